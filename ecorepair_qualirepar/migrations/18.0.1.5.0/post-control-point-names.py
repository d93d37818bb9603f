"""18.0.1.5.0: a repair's control point is named in every language of its template. The points already made
carry the name of their template in one language (now their English value): those still named as their template
in any of its languages take all of its translations."""


def migrate(cr, version):
    cr.execute("""
        UPDATE qualirepar_control_point point SET name = template.name
          FROM qualirepar_control_point_template template
         WHERE point.template_id = template.id
           AND EXISTS (SELECT 1 FROM jsonb_each_text(template.name) label WHERE label.value = point.name->>'en_US')
    """)
