package io.jtun.wgquick;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.Hook;
import java.io.File;
import java.io.IOException;

/** Runs the shell commands of PreUp, PostUp, PreDown and PostDown. */
@FunctionalInterface
public interface HookRunner {

    /**
     * Runs one hook command and waits for it.
     *
     * @param hook which hook the command belongs to, for messages
     * @param command the command as written in the configuration, {@code %i} already replaced by
     *     the interface name
     * @return its exit status; {@link WgQuick} treats anything but 0 as failure
     */
    int run(Hook hook, String command);

    /**
     * Runs each command with {@code bash -e -o pipefail -c COMMAND}, as wg-quick evaluates hooks in
     * a subshell of its own {@code set -e -o pipefail} script: a command that fails within a
     * hook fails the hook. Output goes where jtun's goes; standard input is empty, so that a hook
     * never waits for a terminal.
     */
    static HookRunner bash() {
        return (hook, command) -> {
            Process process;
            try {
                process = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
            } catch (IOException e) {
                throw new JtunException(ExitCode.NOT_FOUND, "cannot run the " + hook.key() + " hook '" + command
                        + "': bash is needed to run hooks (" + e.getMessage() + ")", e);
            }
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new JtunException(ExitCode.FAILURE, "interrupted while the " + hook.key() + " hook '" + command
                        + "' was running; it was killed", e);
            }
        };
    }
}
