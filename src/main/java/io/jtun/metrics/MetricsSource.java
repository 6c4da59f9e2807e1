package io.jtun.metrics;

import java.util.List;

/**
 * What the metrics endpoint reports: the device implements it. {@link #sample()} is called once per
 * scrape, on one of the HTTP server's threads, concurrently with the packet loops; it should read
 * the counters as they are (no locking needed beyond what makes each value safe to read) and return
 * quickly.
 */
@FunctionalInterface
public interface MetricsSource {
    /** The current counters of every interface; an empty list when none is up. */
    List<InterfaceSample> sample();
}
