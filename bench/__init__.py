"""Benchmarks behind `make bench`. Each `bench/bench_*.py` module has a `main()` that prints its
own figures, as ratios measured in the same run wherever there is something to compare with."""
