/**
 * JMH microbenchmarks of jtun's per-packet and per-handshake work. Not unit tests: they live in
 * src/jmh/java, are compiled only with the Maven profile {@code jmh} and run with {@code bench/jmh}.
 *
 * <p>Every benchmark reports the average time of one operation in nanoseconds; per-byte rates
 * (MB/s) follow from the packet size. The defaults (1 fork, 3 warm-up and 5 measured iterations
 * of 1 s; longer for the millisecond-long handshake and table-building operations) keep a full
 * run to about seven minutes on two cores; raise them with JMH's -f, -wi, -i, -w, -r for
 * publishable numbers, and run on an otherwise idle machine.
 */
package io.jtun.bench;
