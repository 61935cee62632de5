package io.clnet.data;

/** A data file or directory that cannot be used; the message is one line naming the file and what was expected. */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
