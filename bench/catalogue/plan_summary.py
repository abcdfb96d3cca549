"""EXPLAIN (ANALYZE, FORMAT JSON) on stdin -> 'execution_ms rows node+node' on stdout."""
import json
import sys

plan = json.load(sys.stdin)[0]


def nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


kinds = sorted({n["Node Type"] + (" on " + n["Index Name"] if "Index Name" in n else "") for n in nodes(plan["Plan"])})
print(f'{plan["Execution Time"]:.2f} {plan["Plan"]["Actual Rows"]} {"+".join(kinds).replace(" ", "_")}')
