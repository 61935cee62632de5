/**
 * The OpenCL backend, the only package that touches JOCL.
 * <ul>
 *   <li>{@code ClDevice} launches our kernels ({@code kernels/*.cl}: one file per op family, forward and backward
 *       together, helpers in {@code common.h}, packaged into the jar as they are) and calls CLBlast through
 *       {@code ClBlas}: serialised (CLBlast 1.5.2 is not thread-safe), warmed up when the device opens, and asked
 *       for a tall product (more rows than columns) as the column-major {@code C^T}, which spares CLBlast a
 *       transposed copy of C.</li>
 *   <li>{@code ProgramCache} builds each program once per context and keeps binaries under
 *       {@code ~/.cache/clnet/kernels} (or {@code $CLNET_CACHE_DIR}, {@code $XDG_CACHE_HOME}), keyed by device,
 *       driver, source and options. A failed build throws with the file, the options and the driver's whole log;
 *       OpenCL errors are reported by name, e.g. {@code CL_OUT_OF_RESOURCES (-5)}.</li>
 * </ul>
 */
package io.clnet.device.opencl;
