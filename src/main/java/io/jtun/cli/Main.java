package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Entry point: dispatches to a command and turns every failure into a message and an exit code. */
public final class Main {
    static final String VERSION = "0.1.0";

    private static final String USAGE = """
            jtun %s - a userspace VPN for Linux

            Usage: jtun COMMAND [OPTIONS]

            Commands:
              demo      build a two-host lab, bring a tunnel up between them, ping, measure, clean up
              up        bring an interface up from its configuration file (wg-quick format)
              down      take a running interface down
              show      show running interfaces, their peers and counters
              syncconf  make a running interface re-read its configuration file
              IFACE     (an interface name) create a bare WireGuard device for wg/wg-quick, like wireguard-go
              monitor   create (or attach to) a TUN/TAP device and print every packet it receives
              doctor    check this machine for what jtun needs, with a fix for each problem
              genkey    print a new WireGuard private key (like wg genkey)
              pubkey    print the public key of the private key on stdin (like wg pubkey)
              genpsk    print a new preshared key (like wg genpsk)
              version   print the version
              help      print this text

            Run 'jtun COMMAND --help' for a command's options.
            """.formatted(VERSION);

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv).code());
    }

    static ExitCode run(String[] argv) {
        if (argv.length == 0) {
            System.err.print(USAGE);
            return ExitCode.USAGE;
        }
        String command = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            return switch (command) {
                case "demo" -> DemoCommand.run(rest);
                case "up" -> UpCommand.run(rest);
                case "down" -> DownCommand.run(rest);
                case "show" -> ShowCommand.run(rest);
                case "syncconf" -> SyncconfCommand.run(rest);
                case "monitor" -> MonitorCommand.run(rest);
                case "genkey" -> KeyCommands.genkey(rest);
                case "pubkey" -> KeyCommands.pubkey(rest);
                case "genpsk" -> KeyCommands.genpsk(rest);
                case "doctor" -> DoctorCommand.run(rest);
                case "version", "--version" -> {
                    System.out.println("jtun " + VERSION);
                    yield ExitCode.OK;
                }
                case "help", "--help", "-h" -> {
                    System.out.print(USAGE);
                    yield ExitCode.OK;
                }
                default -> {
                    if (!UserspaceCommand.matches(command)) {
                        throw new JtunException(ExitCode.USAGE, "unknown command '" + command + "' (see: jtun help)");
                    }
                    yield UserspaceCommand.run(argv);
                }
            };
        } catch (KeyCommands.HelpShown e) {
            return ExitCode.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        } catch (JtunException e) {
            System.err.println("jtun: " + e.getMessage());
            return e.exitCode();
        } catch (UncheckedIOException e) {
            System.err.println("jtun: " + e.getCause().getMessage());
            return ExitCode.FAILURE;
        } catch (RuntimeException | Error e) {
            System.err.println("jtun: internal error: " + e
                    + " (this is a bug; run with JTUN_DEBUG=1 for details and report it)");
            if (System.getenv("JTUN_DEBUG") != null) {
                e.printStackTrace();
            }
            return ExitCode.FAILURE;
        }
    }
}
