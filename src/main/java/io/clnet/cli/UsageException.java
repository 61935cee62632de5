package io.clnet.cli;

/** Bad flags or arguments: printed as one line, exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
