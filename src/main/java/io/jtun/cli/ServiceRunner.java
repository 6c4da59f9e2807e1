package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.daemon.Daemonizer;
import io.jtun.daemon.InterfaceService;
import io.jtun.log.Log;
import java.io.PrintStream;

/** Runs an {@link InterfaceService} in the foreground or as the daemon child, with its signals. */
final class ServiceRunner {
    private ServiceRunner() {
    }

    static void runInForeground(InterfaceService service) throws InterruptedException {
        install(service);
        service.run(() -> { });
    }

    /**
     * The background daemon: one line on standard output says "ready" or why not, then standard
     * output is closed (the parent has gone) and everything else goes to the log (stderr).
     */
    static ExitCode runAsDaemonChild(InterfaceService service) throws InterruptedException {
        PrintStream notify = System.out;
        System.setOut(System.err);
        install(service);
        try {
            service.run(() -> {
                notify.println(Daemonizer.READY);
                notify.close();
            });
            return ExitCode.OK;
        } catch (JtunException e) {
            notify.println(Daemonizer.ERROR + " " + e.exitCode().name() + " " + e.getMessage().replace('\n', ' '));
            notify.close();
            throw e;
        }
    }

    private static void install(InterfaceService service) {
        Signals.onTermination(service::stop);
        Signals.onHangup(() -> {
            Log.info("SIGHUP: reloading the configuration");
            try {
                service.reload();
            } catch (JtunException e) {
                Log.error(e.getMessage()); // already logged in context; the interface keeps running
            } catch (RuntimeException e) {
                Log.error("SIGHUP: the reload failed: " + e); // a bug; the interface keeps running
            }
        });
    }
}
