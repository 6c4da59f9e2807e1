/**
 * An opt-in Prometheus metrics endpoint.
 *
 * <p>The device implements {@link io.jtun.metrics.MetricsSource}; {@link io.jtun.metrics.MetricsServer}
 * serves what it returns on {@code http://ADDRESS/metrics} in the Prometheus text format, sampling
 * the source afresh on every scrape (no background thread polls it). The server is built on the
 * Prometheus Java client library (its HTTP server and a custom collector).
 *
 * <p>The suggested address is {@code 127.0.0.1:9586} ({@link io.jtun.metrics.MetricsServer#DEFAULT_ADDRESS}).
 * The endpoint has no authentication: binding it to {@code 0.0.0.0} (or any address others can reach)
 * exposes every peer's public key and traffic counters to the network.
 *
 * <p>The metrics (all counters are cumulative since the interface came up):
 * <pre>
 * jtun_info{version}                                      gauge, always 1
 * jtun_interface_peers{interface}                         gauge: configured peers
 * jtun_interface_dropped_packets_total{interface,reason}  counter: drops not charged to a peer
 * jtun_interface_cookie_replies_sent_total{interface}     counter: handshakes answered with a cookie (under load)
 * jtun_peer_receive_bytes_total{interface,peer}           counter
 * jtun_peer_transmit_bytes_total{interface,peer}          counter
 * jtun_peer_receive_packets_total{interface,peer}         counter
 * jtun_peer_transmit_packets_total{interface,peer}        counter
 * jtun_peer_dropped_packets_total{interface,peer,reason}  counter
 * jtun_peer_handshake_attempts_total{interface,peer}      counter
 * jtun_peer_handshake_failures_total{interface,peer}      counter
 * jtun_peer_last_handshake_seconds{interface,peer}        gauge: unix time; absent if never
 * jtun_peer_last_handshake_age_seconds{interface,peer}    gauge: seconds since then; absent if never
 * </pre>
 * Drop reasons are the device's short labels turned into label values: {@code "source not allowed"}
 * becomes {@code source_not_allowed}.
 */
package io.jtun.metrics;
