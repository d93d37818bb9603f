/** The QualiRépar planning (F23): Odoo's calendar of attendees, opened on the whole shop ("Everybody's
 * calendars" ticked the first time); one technician's calendar is one attendee ticked in the side panel. Its slots
 * are made where they belong (a repair, a training): no "New" button. */
import { registry } from "@web/core/registry";
import { attendeeCalendarView } from "@calendar/views/attendee_calendar/attendee_calendar_view";
import { AttendeeCalendarController } from "@calendar/views/attendee_calendar/attendee_calendar_controller";
import { AttendeeCalendarModel } from "@calendar/views/attendee_calendar/attendee_calendar_model";

export class QualireparPlanningModel extends AttendeeCalendarModel {
    makeFilterAll(previousAllFilter, isUserOrPartner, sectionLabel) {
        const filter = super.makeFilterAll(...arguments);
        if (!previousAllFilter && !(sectionLabel in this.meta.allFilter)) {
            filter.active = true;
        }
        return filter;
    }
}

export class QualireparPlanningController extends AttendeeCalendarController {
    static template = "ecorepair_qualirepar.PlanningCalendarController";
}

registry.category("views").add("qualirepar_planning_calendar", {
    ...attendeeCalendarView,
    Controller: QualireparPlanningController,
    Model: QualireparPlanningModel,
});
