import sys, resource
sys.path.insert(0, "benchmarks")
import sensing_agent as bench
from import_throughput import postgres_database
url, drop = postgres_database()
try:
    bench.measure(url, teams=int(sys.argv[1]), size=int(sys.argv[2]), weeks=52, metrics=3)
finally:
    drop()
print("process max RSS MiB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
