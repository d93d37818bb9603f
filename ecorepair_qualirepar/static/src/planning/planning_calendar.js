/** The QualiRépar planning (F23): Odoo's calendar of attendees, opened on the whole shop ("Everybody's
 * calendars" ticked the first time); one technician's calendar is one attendee ticked in the side panel. */
import { registry } from "@web/core/registry";
import { attendeeCalendarView } from "@calendar/views/attendee_calendar/attendee_calendar_view";
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

registry.category("views").add("qualirepar_planning_calendar", {
    ...attendeeCalendarView,
    Model: QualireparPlanningModel,
});
