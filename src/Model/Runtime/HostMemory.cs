using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// The elements of a CPU tensor where they lie in memory, through LibTorchSharp's own
/// <c>THSTensor_data</c> (the address of the first element of the view, storage offset included):
/// for the few per-step computations where a libtorch call costs more than the arithmetic
/// (<see cref="BatchedGemm"/>, <see cref="HalfSumsOfSquares"/>, <see cref="Gate_"/>,
/// <see cref="ResidualsFromTargets_"/>). Nothing here keeps a pointer beyond the call that uses it.
/// Each computation declines (returns false or null, writing nothing) a tensor it cannot read as it
/// lies; <see cref="DirectStepOps"/>, the one caller, then asks the reference for the same arithmetic.
/// </summary>
internal static unsafe class HostMemory
{
    static readonly delegate* unmanaged<IntPtr, IntPtr> dataPointer;
    static bool Enabled => Unavailable is null;

    static long passes;

    /// <summary>Passes of <see cref="Gate_"/>, <see cref="Activate_"/>, <see cref="ActivateInto_"/> and <see cref="ResidualsFromTargets_"/> done in this process so far (the tests check that a training run took them).</summary>
    public static long Passes => Interlocked.Read(ref passes);

    /// <summary>Why host pointers are not available in this process, or null when they are.</summary>
    public static string? Unavailable { get; }

    static HostMemory()
    {
        TorchRuntime.EnsureInitialized();
        if (!NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out var sharp))
            Unavailable = "LibTorchSharp could not be opened by name";
        else if (!NativeLibrary.TryGetExport(sharp, "THSTensor_data", out var data))
            Unavailable = "LibTorchSharp exports no THSTensor_data";
        else dataPointer = (delegate* unmanaged<IntPtr, IntPtr>)data;
    }

    /// <summary>The address of the view's first element; zero off the CPU or when unavailable.</summary>
    public static IntPtr Address(Tensor t) =>
        Unavailable is null && t.device_type == DeviceType.CPU ? dataPointer(t.Handle) : IntPtr.Zero;

    /// <summary>
    /// 0.5 sum of squares of each of <paramref name="blocks"/> equal consecutive blocks of a contiguous
    /// CPU float64 tensor (each trial's residual), each block read as rows of the tensor's last
    /// dimension and summed by <see cref="SquareSum"/>, as the residual pass sums its step losses; null
    /// for any other tensor, or blocks that split a row (the caller then asks libtorch). Cheaper than libtorch's norm and the copy
    /// of its result (docs/dev/performance.md).
    /// </summary>
    public static double[]? HalfSumsOfSquares(Tensor t, long blocks)
    {
        if (!Enabled) return null;
        if (t.dtype != ScalarType.Float64 || !t.is_contiguous() || t.dim() < 1) return null;
        var address = Address(t);
        if (address == IntPtr.Zero) return null;
        var length = t.numel();
        if (blocks <= 0 || length % blocks != 0 || length > int.MaxValue) return null;
        var per = length / blocks;
        var width = t.size(-1);
        if (width == 0 || per % width != 0) return width == 0 ? new double[blocks] : null;
        var values = new double[blocks];
        var rows = per / width;
        for (var p = 0; p < blocks; p++)
        {
            var sum = new SquareSum();
            var block = (double*)address + p * per;
            for (var i = 0; i < rows; i++) sum.AddRow(block + i * width, (int)width);
            values[p] = 0.5 * sum.Total;
        }
        GC.KeepAlive(t);
        return values;
    }

    /// <summary>
    /// s &lt;- s * (sigma &gt; 0 ? <paramref name="open"/> : <paramref name="closed"/>), elementwise and in
    /// place: the back-propagated signal through an activation's gate, read from its output. s and sigma
    /// are CPU views of one shape, rank 2 or 3, float64 or float32, rows of stride 1 (sigma may be a
    /// block of a wider buffer), in memory that does not overlap. Returns false, writing nothing, for
    /// any other pair. One pass instead of libtorch's two (the gate tensor and the product).
    /// </summary>
    public static bool Gate_(Tensor s, Tensor sigma, double open, double closed)
    {
        if (!Enabled || s.dim() != sigma.dim() || s.dim() is not (2 or 3) || s.dtype != sigma.dtype) return false;
        for (var i = 0; i < s.dim(); i++)
            if (s.size(i) != sigma.size(i)) return false;
        if (s.numel() == 0) return true;
        var (ps, pg) = (Address(s), Address(sigma));
        if (ps == IntPtr.Zero || pg == IntPtr.Zero) return false;
        var size = s.dtype switch { ScalarType.Float64 => 8, ScalarType.Float32 => 4, _ => 0 };
        if (size == 0 || Rows(s) is not { } rs || Rows(sigma) is not { } rg) return false;
        if (Overlap(ps, Extent(rs, size), pg, Extent(rg, size))) return false;
        if (size == 8) GateRows((double*)ps, rs, (double*)pg, rg, open, closed);
        else GateRows((float*)ps, rs, (float*)pg, rg, (float)open, (float)closed);
        GC.KeepAlive(s);
        GC.KeepAlive(sigma);
        Interlocked.Increment(ref passes);
        return true;
    }

    /// <summary>
    /// u &lt;- max(u, c u) in place (c = <paramref name="slope"/>: ReLU 0, leaky ReLU in (0, 1), linear 1,
    /// as libtorch's relu_ and leaky_relu_ compute it: u where u &gt; 0, else c u; NaN stays NaN), and
    /// <paramref name="copy"/> &lt;- the result, in one pass: a hidden layer of a shared-input step, activated
    /// in the wide product's layout and copied into each trial's buffer. Same conditions as <see cref="Gate_"/>.
    /// </summary>
    public static bool ActivateInto_(Tensor u, Tensor copy, double slope)
    {
        if (!Enabled || u.dim() != copy.dim() || u.dim() is not (2 or 3) || u.dtype != copy.dtype || u.dtype != ScalarType.Float64) return false;
        for (var i = 0; i < u.dim(); i++)
            if (u.size(i) != copy.size(i)) return false;
        if (u.numel() == 0) return true;
        var (pu, pc) = (Address(u), Address(copy));
        if (pu == IntPtr.Zero || pc == IntPtr.Zero || Rows(u) is not { } lu || Rows(copy) is not { } lc) return false;
        if (Overlap(pu, Extent(lu, 8), pc, Extent(lc, 8))) return false;
        for (long t = 0; t < lu.Blocks; t++)
            for (long i = 0; i < lu.Rows; i++)
                ActivateRowInto((double*)pu + t * lu.BlockStride + i * lu.RowStride, (double*)pc + t * lc.BlockStride + i * lc.RowStride, lu.Length, slope);
        GC.KeepAlive(u);
        GC.KeepAlive(copy);
        Interlocked.Increment(ref passes);
        return true;
    }

    /// <summary>
    /// u &lt;- max(u, c u) in place (as <see cref="ActivateInto_"/>, without the copy): a float64 CPU view of
    /// rank 2 or 3 with rows of stride 1. Returns false, writing nothing, for any other tensor.
    /// </summary>
    public static bool Activate_(Tensor u, double slope)
    {
        if (!Enabled || u.dtype != ScalarType.Float64 || u.dim() is not (2 or 3)) return false;
        if (u.numel() == 0) return true;
        var pu = Address(u);
        if (pu == IntPtr.Zero || Rows(u) is not { } lu) return false;
        for (long t = 0; t < lu.Blocks; t++)
            for (long i = 0; i < lu.Rows; i++)
                ActivateRowInto((double*)pu + t * lu.BlockStride + i * lu.RowStride, null, lu.Length, slope);
        GC.KeepAlive(u);
        Interlocked.Increment(ref passes);
        return true;
    }

    /// <summary>
    /// One row of <see cref="ActivateInto_"/>, in vector registers where the processor has 512-bit
    /// ones: the step's rows are short (50 elements), and a call into TensorPrimitives and a copy per
    /// row cost more than the arithmetic.
    /// Vector512.Max and Math.Max are IEEE 754:2019's maximum, as TensorPrimitives.Max: NaN stays NaN, max(-0, 0) is 0.
    /// <paramref name="copy"/> is null for none (<see cref="Activate_"/>).
    /// </summary>
    static void ActivateRowInto(double* u, double* copy, int length, double slope)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var c = Vector512.Create(slope);
            for (; j + 8 <= length; j += 8)
            {
                var v = Vector512.Load(u + j);
                var a = slope == 0.0 ? Vector512.Max(v, Vector512<double>.Zero)
                    : slope == 1.0 ? v
                    : Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<double>.Zero), v, v * c);
                a.Store(u + j);
                if (copy != null) a.Store(copy + j);
            }
        }
        for (; j < length; j++) // one by one in 128-bit registers: a branch on the sign would be a coin flip to the predictor
        {
            var v = Vector128.CreateScalar(u[j]);
            u[j] = (slope == 0.0 ? Vector128.Max(v, Vector128<double>.Zero)
                : slope == 1.0 ? v
                : Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<double>.Zero), v, v * Vector128.Create(slope))).ToScalar();
            if (copy != null) copy[j] = u[j];
        }
    }

    /// <summary>
    /// One trial's residuals in one pass over its rows: r &lt;- y - r, its square added to the sum
    /// (<see cref="SquareSum"/>, row by row as <see cref="HalfSumsOfSquares"/> reads them), and
    /// r &lt;- scale r; returns the sum of squares before the scaling. One pass instead of three
    /// (subtract, sum, scale), whose cost was mostly in the calls.
    /// </summary>
    static double ResidualRows(double* r, double* y, ReadOnlySpan<long> index, int first, int count, int width, double scale)
    {
        var sum = new SquareSum();
        var s = Vector512.Create(scale);
        for (var k = first; k < first + count; k++)
        {
            // The targets of trials that do not share a dataset lie far apart: ask for a later row now.
            if (k + PrefetchRows < index.Length) Prefetch(y + index[k + PrefetchRows] * width, width);
            var t = y + index[k] * width;
            var j = 0;
            for (; j + 8 <= width; j += 8)
            {
                var v = Vector512.Load(t + j) - Vector512.Load(r + j);
                sum.Add(v);
                (v * s).Store(r + j);
            }
            for (; j < width; j++)
            {
                var v = t[j] - r[j];
                sum.Add(v);
                r[j] = v * scale;
            }
            r += width;
        }
        return sum.Total;
    }

    /// <summary>Rows ahead that a gather asks the memory for while it copies the current one.</summary>
    const int PrefetchRows = 8;

    /// <summary>Asks for the cache lines of one row ahead of its use (nothing where the processor has no prefetch instruction).</summary>
    static void Prefetch(double* row, int length)
    {
        if (!Sse.IsSupported) return;
        var end = (byte*)(row + length);
        for (var line = (byte*)row; line < end; line += 64) Sse.Prefetch0(line);
    }

    /// <summary>
    /// into &lt;- source[rows]: the rows of a contiguous float64 CPU matrix picked by an int64 index, into a
    /// contiguous buffer, each asked for <see cref="PrefetchRows"/> rows before it is copied. libtorch's
    /// index_select waits for each row in turn, which costs most where the inputs lie beyond the caches
    /// (a stack of trials on their own datasets). Returns false, writing nothing, for
    /// any other layout.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">A row outside the source (checked before anything is written).</exception>
    public static bool GatherRows_(Tensor into, Tensor source, Tensor rows)
    {
        if (!Enabled || source.dtype != ScalarType.Float64 || into.dtype != ScalarType.Float64 || rows.dtype != ScalarType.Int64) return false;
        if (source.dim() != 2 || into.dim() != 2 || rows.dim() != 1 || !source.is_contiguous() || !into.is_contiguous() || !rows.is_contiguous()) return false;
        long n = rows.size(0), width = source.size(1), count = source.size(0);
        if (into.size(0) != n || into.size(1) != width || n * width > int.MaxValue) return false;
        var (pi, ps, pr) = (Address(into), Address(source), Address(rows));
        if (pi == IntPtr.Zero || ps == IntPtr.Zero || pr == IntPtr.Zero) return false;
        if (Overlap(pi, n * width * 8, ps, count * width * 8) || Overlap(pi, n * width * 8, pr, n * 8)) return false;
        var index = new ReadOnlySpan<long>((void*)pr, (int)n);
        foreach (var row in index)
            if ((ulong)row >= (ulong)count) throw new IndexOutOfRangeException($"Row {row} was asked for; the source has {count} rows.");
        var w = (int)width;
        for (var k = 0; k < index.Length; k++)
        {
            if (k + PrefetchRows < index.Length) Prefetch((double*)ps + index[k + PrefetchRows] * w, w);
            new ReadOnlySpan<double>((double*)ps + index[k] * w, w).CopyTo(new Span<double>((double*)pi + (long)k * w, w));
        }
        GC.KeepAlive(into);
        GC.KeepAlive(source);
        GC.KeepAlive(rows);
        return true;
    }

    /// <summary>A tensor of rank 2 or 3 as blocks of rows of stride 1: (blocks, rows, length, block stride, row stride), strides in elements.</summary>
    readonly record struct RowLayout(long Blocks, long Rows, int Length, long BlockStride, long RowStride);

    static RowLayout? Rows(Tensor t)
    {
        var rank = (int)t.dim();
        var length = t.size(rank - 1);
        if (length > int.MaxValue || (length > 1 && t.stride(rank - 1) != 1)) return null;
        var rows = t.size(rank - 2);
        var rowStride = t.stride(rank - 2);
        var (blocks, blockStride) = rank == 3 ? (t.size(0), t.stride(0)) : (1L, 0L);
        if (rowStride < 0 || blockStride < 0) return null;
        return new RowLayout(blocks, rows, (int)length, blockStride, rowStride);
    }

    /// <summary>One past the last element a layout reaches, in bytes from its first.</summary>
    static long Extent(RowLayout l, int size) => ((l.Blocks - 1) * l.BlockStride + (l.Rows - 1) * l.RowStride + l.Length) * size;

    static bool Overlap(IntPtr a, long aBytes, IntPtr b, long bBytes) => (long)a < (long)b + bBytes && (long)b < (long)a + aBytes;

    static void GateRows<T>(T* s, RowLayout ls, T* sigma, RowLayout lg, T open, T closed) where T : unmanaged, INumber<T>
    {
        for (long t = 0; t < ls.Blocks; t++)
            for (long i = 0; i < ls.Rows; i++)
                GateRow(s + t * ls.BlockStride + i * ls.RowStride, sigma + t * lg.BlockStride + i * lg.RowStride, ls.Length, open, closed);
    }

    /// <summary>
    /// One row of the gate, without a branch on the sign (the signs of sigma are a coin flip to the
    /// predictor): blocks of 512-bit registers where the processor has them, then of 256 and 128 bits,
    /// the last elements one by one in a 128-bit register. Each element is one product, s times the
    /// open or the closed value, whatever the width. The step's rows are short (9 or 50 elements), so
    /// the row is read by pointers, not through spans.
    /// </summary>
    static void GateRow<T>(T* s, T* sigma, int length, T open, T closed) where T : unmanaged, INumber<T>
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var (vOpen, vClosed) = (Vector512.Create(open), Vector512.Create(closed));
            for (; j + Vector512<T>.Count <= length; j += Vector512<T>.Count)
                (Vector512.Load(s + j) * Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Load(sigma + j), Vector512<T>.Zero), vOpen, vClosed)).Store(s + j);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var (vOpen, vClosed) = (Vector256.Create(open), Vector256.Create(closed));
            for (; j + Vector256<T>.Count <= length; j += Vector256<T>.Count)
                (Vector256.Load(s + j) * Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Load(sigma + j), Vector256<T>.Zero), vOpen, vClosed)).Store(s + j);
        }
        var (nOpen, nClosed) = (Vector128.Create(open), Vector128.Create(closed));
        for (; j + Vector128<T>.Count <= length; j += Vector128<T>.Count)
            (Vector128.Load(s + j) * Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Load(sigma + j), Vector128<T>.Zero), nOpen, nClosed)).Store(s + j);
        for (; j < length; j++)
            s[j] *= Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.CreateScalar(sigma[j]), Vector128<T>.Zero), nOpen, nClosed).ToScalar();
    }

    /// <summary>
    /// The residuals of one mini-batch step of T trials (T = 1 for a trial alone), from their products
    /// and their targets, in one pass per trial: for every trial p and batch row i,
    /// r[p, i] &lt;- y[rows[step, p B + i]] - r[p, i] (r holds the products h~ W on entry), then
    /// <paramref name="halfSquares"/>[p] = 0.5 ||r_p||^2 (summed by <see cref="SquareSum"/>: the same bits
    /// as <see cref="HalfSumsOfSquares"/> of the residuals, on any processor), then
    /// r_p &lt;- <paramref name="scales"/>[p] r_p. The same arithmetic as gathering the targets, subtracting,
    /// summing and scaling with libtorch, without the gathered copy of every trial's targets.
    /// </summary>
    /// <param name="r">(T, B, outputs), contiguous float64 on the CPU.</param>
    /// <param name="y">(N, outputs): the targets of every distinct dataset, contiguous, same dtype.</param>
    /// <param name="rows">(steps, T B) int64, contiguous: row of <paramref name="y"/> for each trial and batch row, by step.</param>
    /// <param name="step">The row of <paramref name="rows"/> to read.</param>
    /// <param name="scales">lr_p / B of each trial.</param>
    /// <param name="halfSquares">Receives 0.5 ||r_p||^2 of each trial, before the scaling.</param>
    /// <returns>False, writing nothing, when a tensor is not laid out as said.</returns>
    /// <exception cref="IndexOutOfRangeException">A row index outside y (checked before anything is written).</exception>
    public static bool ResidualsFromTargets_(Tensor r, Tensor y, Tensor rows, long step, ReadOnlySpan<double> scales, Span<double> halfSquares)
    {
        if (!Enabled || r.dtype != ScalarType.Float64 || y.dtype != ScalarType.Float64 || rows.dtype != ScalarType.Int64) return false;
        if (r.dim() != 3 || y.dim() != 2 || rows.dim() != 2 || !r.is_contiguous() || !y.is_contiguous() || !rows.is_contiguous()) return false;
        long count = r.size(0), batch = r.size(1), width = r.size(2);
        if (y.size(1) != width || rows.size(1) != count * batch || step < 0 || step >= rows.size(0)) return false;
        if (scales.Length != count || halfSquares.Length != count || count * batch * width > int.MaxValue || width == 0) return false;
        var (pr, py, pi) = (Address(r), Address(y), Address(rows));
        if (pr == IntPtr.Zero || py == IntPtr.Zero || pi == IntPtr.Zero) return false;
        var n = y.size(0);
        var (rBytes, yBytes, iBytes) = (r.numel() * 8, y.numel() * 8, rows.numel() * 8);
        if (Overlap(pr, rBytes, py, yBytes) || Overlap(pr, rBytes, pi, iBytes)) return false;
        var index = new ReadOnlySpan<long>((long*)pi + step * count * batch, (int)(count * batch));
        foreach (var row in index)
            if ((ulong)row >= (ulong)n) throw new IndexOutOfRangeException($"Row {row} of the targets was asked for; they have {n} rows.");
        var w = (int)width;
        var block = (int)(batch * width);
        for (var p = 0; p < count; p++)
            halfSquares[p] = 0.5 * ResidualRows((double*)pr + p * block, (double*)py, index, (int)(p * batch), (int)batch, w, scales[p]);
        GC.KeepAlive(r);
        GC.KeepAlive(y);
        GC.KeepAlive(rows);
        Interlocked.Increment(ref passes);
        return true;
    }
}
