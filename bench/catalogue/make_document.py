"""A provider document of PLANS plans with ZONES zones each, prices shifted by SHIFT (so that a second one changes them all)."""
import sys

plans, zones, shift, path = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
with open(path, "w") as out:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<planList version="1.0"><output>\n')
    for base in range(plans // 5):
        out.write(f'<base_plan base_plan_id="{100000 + base}" sell_mode="online" title="Bench event {base}">\n')
        for p in range(5):
            plan = base * 5 + p
            day = 1 + plan % 28
            out.write(f'<plan plan_id="{plan}" plan_start_date="2028-{1 + plan % 12:02d}-{day:02d}T20:00:00" '
                      f'plan_end_date="2028-{1 + plan % 12:02d}-{day:02d}T22:00:00" sold_out="false">')
            for z in range(zones):
                out.write(f'<zone zone_id="{z}" name="Zone {z}" capacity="100" price="{10 + z + shift:.2f}" numbered="{str(z % 2 == 0).lower()}"/>')
            out.write('</plan>\n')
        out.write('</base_plan>\n')
    out.write('</output></planList>\n')
