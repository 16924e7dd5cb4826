"""Cedar's side of palisade-bench-policy: the same requests against the translated policies.

Reads {"policies": <cedar text>, "requests": [{principal, action, resource, context, expected}]},
parses the policies and the (empty) entity set once, decides every request one call at a time
and in batches, and prints one JSON object with the rates, latencies and how many decisions
agree with Palisade's ("expected").
"""
import json
import sys
import time
from importlib.metadata import version

import cedarpy


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        data = json.load(handle)
    policies = cedarpy.PolicySet.from_str(data["policies"])
    entities = cedarpy.Entities.from_json_str("[]")
    requests = [{k: r[k] for k in ("principal", "action", "resource", "context")} for r in data["requests"]]

    # One call per decision, each timed.
    latencies = []
    decisions = []
    started = time.perf_counter()
    for request in requests:
        before = time.perf_counter_ns()
        result = cedarpy.is_authorized(request, policies, entities)
        latencies.append((time.perf_counter_ns() - before) / 1000)
        decisions.append("allow" if result.decision == cedarpy.Decision.Allow else "deny")
    single_seconds = time.perf_counter() - started
    latencies.sort()

    # Batches, the binding's cheapest path.
    batch_size = 100
    started = time.perf_counter()
    for offset in range(0, len(requests), batch_size):
        cedarpy.is_authorized_batch(requests[offset:offset + batch_size], policies, entities)
    batch_seconds = time.perf_counter() - started

    agree = sum(1 for got, r in zip(decisions, data["requests"]) if got == r["expected"])
    print(json.dumps({
        "version": version("cedarpy"),
        "total": len(requests),
        "agree": agree,
        "single_per_second": len(requests) / single_seconds,
        "single_p50_us": latencies[len(latencies) // 2],
        "single_p99_us": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "batch_size": batch_size,
        "batch_per_second": len(requests) / batch_seconds,
    }))


if __name__ == "__main__":
    main()
