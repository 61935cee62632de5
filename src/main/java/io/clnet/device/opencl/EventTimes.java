package io.clnet.device.opencl;

import io.clnet.device.OpKind;
import io.clnet.device.Profiler;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;

import java.util.ArrayList;
import java.util.List;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clEnqueueMarkerWithWaitList;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clWaitForEvents;

/**
 * Device times of the commands enqueued while profiling, each tagged with its op kind. Our own kernels and
 * transfers are timed by their event (end - start). A library call that may enqueue several kernels
 * (CLBlast) is timed as a span between two markers on the in-order queue. After the queue finishes,
 * {@link #drainInto} adds the times to the profiler and releases the events.
 */
final class EventTimes {
    /** Bounds host memory on long profiled runs: past this many the oldest are resolved first. */
    private static final int MAX_PENDING = 4096;

    private record Entry(OpKind kind, cl_event first, cl_event last) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** A fresh event for the next command if {@code kind} is non-null (profiling on), else null. */
    cl_event command(OpKind kind, Profiler profiler) {
        if (kind == null) {
            return null;
        }
        makeRoom(profiler);
        cl_event event = new cl_event();
        entries.add(new Entry(kind, event, null));
        return event;
    }

    /** Drops the event of a command that failed to enqueue. */
    void discardLast() {
        entries.remove(entries.size() - 1);
    }

    /** Runs {@code calls} (which enqueue work) between two markers and records the span, if {@code kind} is non-null. */
    void span(OpKind kind, Profiler profiler, cl_command_queue queue, Runnable calls) {
        if (kind == null) {
            calls.run();
            return;
        }
        makeRoom(profiler);
        cl_event before = new cl_event();
        clEnqueueMarkerWithWaitList(queue, 0, null, before);
        calls.run();
        cl_event after = new cl_event();
        clEnqueueMarkerWithWaitList(queue, 0, null, after);
        entries.add(new Entry(kind, before, after));
    }

    /** Waits for the recorded commands, adds their times to {@code profiler} and forgets them. */
    void drainInto(Profiler profiler) {
        if (entries.isEmpty()) {
            return;
        }
        List<cl_event> all = new ArrayList<>();
        for (Entry e : entries) {
            all.add(e.first());
            if (e.last() != null) {
                all.add(e.last());
            }
        }
        clWaitForEvents(all.size(), all.toArray(new cl_event[0]));
        for (Entry e : entries) {
            long nanos = e.last() == null
                    ? time(e.first(), CL_PROFILING_COMMAND_END) - time(e.first(), CL_PROFILING_COMMAND_START)
                    : time(e.last(), CL_PROFILING_COMMAND_END) - time(e.first(), CL_PROFILING_COMMAND_END);
            profiler.add(e.kind(), Math.max(0, nanos));
        }
        all.forEach(org.jocl.CL::clReleaseEvent);
        entries.clear();
    }

    private void makeRoom(Profiler profiler) {
        if (entries.size() >= MAX_PENDING) {
            drainInto(profiler);
        }
    }

    private static long time(cl_event event, int which) {
        long[] value = new long[1];
        clGetEventProfilingInfo(event, which, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }
}
