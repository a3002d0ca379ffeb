using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// Batched matrix products written straight into their destination: c_t = alpha a_t b_t + beta c_t
/// for every t of rank-3 CPU tensors a (T, m, k), b (T, k, n), c (T, m, n), by MKL's
/// <c>cblas_?gemm_batch</c> inside libtorch, the routine libtorch's own CPU <c>bmm</c> calls for
/// these sizes (the products come out bit for bit the same, <c>BatchedGemmTest</c>). TorchSharp 0.107
/// has <c>bmm</c> and <c>baddbmm</c> only as new tensors, so an update w += a b costs a temporary and
/// an add, and a product that lands in a view (a block of a wider matrix) a copy; here neither.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="TryMultiply"/> does nothing and returns false, so that <see cref="DirectStepOps"/> hands
/// the product to libtorch's operators, whenever the product is not plainly safe to hand to BLAS: libtorch without an exported
/// <c>cblas_?gemm_batch</c> (builds without MKL, such as macOS on ARM), a self-check at load that does
/// not reproduce <c>bmm</c>, a tensor off the CPU, dtypes other than float64 and float32, mixed dtypes,
/// a matrix whose elements are not rows or columns at a fixed leading stride, destination matrices that
/// could overlap one another, or a destination whose memory range meets an operand's. Every address
/// handed to BLAS is an element of the tensor views passed in.
/// </para>
/// </remarks>
internal static unsafe class BatchedGemm
{
    const int RowMajor = 101, NoTrans = 111, Trans = 112;

    static readonly delegate* unmanaged<int, int*, int*, int*, int*, int*, double*, double**, int*, double**, int*, double*, double**, int*, int, int*, void> dgemm;
    static readonly delegate* unmanaged<int, int*, int*, int*, int*, int*, float*, float**, int*, float**, int*, float*, float**, int*, int, int*, void> sgemm;
    /// <summary>Why the direct products are not used in this process, or null when they are.</summary>
    public static string? Unavailable { get; }

    /// <summary>True when libtorch's batched GEMM can be called directly (see <see cref="Unavailable"/>).</summary>
    public static bool Available => Unavailable is null;

    static long calls, kernelCalls;

    /// <summary>Products done directly in this process so far (the tests check that a training run took this path).</summary>
    public static long Calls => Interlocked.Read(ref calls);

    /// <summary>Of <see cref="Calls"/>, those done by <see cref="SmallGemm"/> rather than MKL.</summary>
    public static long KernelCalls => Interlocked.Read(ref kernelCalls);

    static BatchedGemm()
    {
        TorchRuntime.EnsureInitialized();
        var torchAssembly = typeof(torch).Assembly;
        if (!NativeLibrary.TryLoad("torch_cpu", torchAssembly, null, out var torchCpu) && !NativeLibrary.TryLoad("libtorch_cpu", torchAssembly, null, out torchCpu))
        {
            Unavailable = "libtorch_cpu could not be opened by name";
            return;
        }
        if (!NativeLibrary.TryGetExport(torchCpu, "cblas_dgemm_batch", out var d) || !NativeLibrary.TryGetExport(torchCpu, "cblas_sgemm_batch", out var s))
        {
            Unavailable = "this libtorch exports no cblas_dgemm_batch / cblas_sgemm_batch (a build without MKL)";
            return;
        }
        if (HostMemory.Unavailable is { } why)
        {
            Unavailable = why;
            return;
        }
        dgemm = (delegate* unmanaged<int, int*, int*, int*, int*, int*, double*, double**, int*, double**, int*, double*, double**, int*, int, int*, void>)d;
        sgemm = (delegate* unmanaged<int, int*, int*, int*, int*, int*, float*, float**, int*, float**, int*, float*, float**, int*, int, int*, void>)s;
        try { Unavailable = SelfCheck(); }
        catch (Exception e) { Unavailable = "the self-check product failed: " + e.Message; }
    }

    /// <summary>
    /// c_t &lt;- alpha a_t b_t + beta c_t for every t, in place, when the product can be handed to BLAS
    /// as it lies in memory (see the remarks); otherwise returns false and leaves c untouched.
    /// </summary>
    /// <param name="c">(T, m, n), the destination: a tensor or a view, rows of stride 1; or (m, n), one matrix (then a and b are rank 2 too).</param>
    /// <param name="a">(T, m, k) or (m, k): rows or columns of stride 1 (a transposed view is read as such).</param>
    /// <param name="b">(T, k, n) or (k, n): the same.</param>
    /// <param name="alpha">Scale of the product (float32 products round it to float32).</param>
    /// <param name="beta">Scale of c's old values; 0 ignores them (NaN included), as BLAS does.</param>
    public static bool TryMultiply(Tensor c, Tensor a, Tensor b, double alpha, double beta) =>
        Available && Multiply(c, a, b, alpha, beta);

    /// <summary><see cref="TryMultiply"/> before <see cref="Available"/> is known (the self-check at load).</summary>
    static bool Multiply(Tensor c, Tensor a, Tensor b, double alpha, double beta)
    {
        if (c.device_type != DeviceType.CPU || a.device_type != DeviceType.CPU || b.device_type != DeviceType.CPU) return false;
        var dtype = c.dtype;
        if (dtype is not (ScalarType.Float64 or ScalarType.Float32) || a.dtype != dtype || b.dtype != dtype) return false;
        var rank = c.dim();
        if (rank is not (2 or 3) || a.dim() != rank || b.dim() != rank) return false;
        Matrices mc = Read(c, rank), ma = Read(a, rank), mb = Read(b, rank);
        long count = mc.Count, m = mc.Rows, n = mc.Cols, k = ma.Cols;
        if (ma.Count != count || mb.Count != count || ma.Rows != m || mb.Rows != k || mb.Cols != n) return false;
        if (count == 0 || m == 0 || n == 0) return true; // nothing to write
        if (k == 0 || count > int.MaxValue || m > int.MaxValue || n > int.MaxValue || k > int.MaxValue) return false;
        if (Operand(ma) is not (int transA, int lda) || Operand(mb) is not (int transB, int ldb)) return false;
        if (Operand(mc) is not (NoTrans, int ldc) || !DisjointMatrices(mc, ldc)) return false;
        var size = dtype == ScalarType.Float64 ? 8 : 4;
        var (pa, pb, pc) = (HostMemory.Address(a), HostMemory.Address(b), HostMemory.Address(c));
        if (pa == IntPtr.Zero || pb == IntPtr.Zero || pc == IntPtr.Zero) return false;
        if (Overlaps(mc, pc, ma, pa, size) || Overlaps(mc, pc, mb, pb, size)) return false;

        long sa = ma.S0 * size, sb = mb.S0 * size, sc = mc.S0 * size;
        if (dtype == ScalarType.Float64 && alpha == 1 && beta is 0 or 1 && SmallGemm.Suits(m, n, k, byTransposed: transB != NoTrans))
        {
            nint aRow = transA == NoTrans ? lda : 1, aCol = transA == NoTrans ? 1 : lda;
            for (var t = 0; t < count; t++)
            {
                double* at = (double*)(pa + (nint)(t * sa)), bt = (double*)(pb + (nint)(t * sb)), ct = (double*)(pc + (nint)(t * sc));
                if (transB == NoTrans) SmallGemm.Multiply((int)m, (int)n, (int)k, at, aRow, aCol, bt, ldb, ct, ldc, accumulate: beta == 1);
                else SmallGemm.MultiplyByTransposed((int)m, (int)n, (int)k, at, aRow, aCol, bt, ldb, ct, ldc, accumulate: beta == 1);
            }
            GC.KeepAlive(a);
            GC.KeepAlive(b);
            GC.KeepAlive(c);
            Interlocked.Increment(ref calls);
            Interlocked.Increment(ref kernelCalls);
            return true;
        }

        int layout = RowMajor, ta = transA, tb = transB, mi = (int)m, ni = (int)n, ki = (int)k, la = lda, lb = ldb, lc = ldc, group = (int)count;
        var pointers = count <= 256 ? stackalloc IntPtr[3 * (int)count] : new IntPtr[3 * count];
        for (var t = 0; t < count; t++)
        {
            pointers[t] = pa + (nint)(t * sa);
            pointers[(int)count + t] = pb + (nint)(t * sb);
            pointers[2 * (int)count + t] = pc + (nint)(t * sc);
        }
        fixed (IntPtr* p = pointers)
        {
            if (dtype == ScalarType.Float64)
            {
                double al = alpha, be = beta;
                dgemm(layout, &ta, &tb, &mi, &ni, &ki, &al, (double**)p, &la, (double**)(p + count), &lb, &be, (double**)(p + 2 * count), &lc, 1, &group);
            }
            else
            {
                float al = (float)alpha, be = (float)beta;
                sgemm(layout, &ta, &tb, &mi, &ni, &ki, &al, (float**)p, &la, (float**)(p + count), &lb, &be, (float**)(p + 2 * count), &lc, 1, &group);
            }
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        Interlocked.Increment(ref calls);
        return true;
    }

    /// <summary>The T matrices of a rank-3 view, or the one matrix of a rank-2 view (T = 1), with their strides (S0 between matrices).</summary>
    readonly record struct Matrices(long Count, long Rows, long Cols, long S0, long S1, long S2);

    /// <summary>Reads a view's sizes and strides one by one (<c>shape</c> and <c>stride()</c> build arrays, which costs more than the products of the step's small shapes can spare).</summary>
    static Matrices Read(Tensor t, long rank) => rank == 3
        ? new(t.size(0), t.size(1), t.size(2), t.stride(0), t.stride(1), t.stride(2))
        : new(1, t.size(0), t.size(1), 0, t.stride(0), t.stride(1));

    /// <summary>
    /// How BLAS reads each (rows, cols) matrix: by rows (NoTrans, leading stride between rows) or by
    /// columns (Trans, leading stride between columns); null when neither.
    /// </summary>
    static (int Trans, int Ld)? Operand(Matrices t)
    {
        long rows = t.Rows, cols = t.Cols, s0 = t.S0, s1 = t.S1, s2 = t.S2;
        if (s0 < 0 || s1 < 0 || s2 < 0) return null;
        if ((cols == 1 || s2 == 1) && (rows == 1 || s1 >= Math.Max(1, cols)))
        {
            var ld = rows == 1 ? Math.Max(1, cols) : s1;
            return ld <= int.MaxValue ? (NoTrans, (int)ld) : null;
        }
        // A single column never gets here (it is read by rows above, whatever its strides).
        if ((rows == 1 || s1 == 1) && s2 >= Math.Max(1, rows))
            return s2 <= int.MaxValue ? (Trans, (int)s2) : null;
        return null;
    }

    /// <summary>
    /// True when the T destination matrices share no element: one after another in memory, or side
    /// by side within the same rows (the blocks of a wider matrix).
    /// </summary>
    static bool DisjointMatrices(Matrices c, long ldc)
    {
        long count = c.Count, rows = c.Rows, cols = c.Cols, s0 = c.S0;
        if (count == 1) return true;
        if (s0 >= (rows - 1) * ldc + cols) return true;
        return rows > 1 && s0 >= cols && (count - 1) * s0 + cols <= ldc;
    }

    /// <summary>True when the address ranges spanned by the elements of the two views meet.</summary>
    static bool Overlaps(Matrices x, IntPtr px, Matrices y, IntPtr py, int size)
    {
        static long Span(Matrices t, int size) =>
            ((t.Count - 1) * t.S0 + (t.Rows - 1) * t.S1 + (t.Cols - 1) * t.S2 + 1) * size;
        long x0 = px, x1 = px + Span(x, size), y0 = py, y1 = py + Span(y, size);
        return x0 < y1 && y0 < x1;
    }

    /// <summary>Null when a direct product reproduces libtorch's bmm on a small case with a transposed operand and a strided destination; else why not.</summary>
    static string? SelfCheck()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(20261128);
        var a = randn([3, 4, 5], dtype: ScalarType.Float64, generator: generator);
        var b = randn([3, 6, 5], dtype: ScalarType.Float64, generator: generator).transpose(1, 2);
        var wide = randn([4, 3 * 6 + 2], dtype: ScalarType.Float64, generator: generator);
        var c = wide.narrow(1, 1, 3 * 6).view(4, 3, 6).permute(1, 0, 2);
        var expected = c.clone().Times(0.5).Plus(a.bmm(b).Times(2.0));
        Tensor Outside() => cat([wide.narrow(1, 0, 1), wide.narrow(1, 3 * 6 + 1, 1)], 1); // a copy of the columns beside the blocks
        var untouched = Outside();
        if (!Multiply(c, a, b, 2.0, 0.5)) return "the self-check product was declined";
        var error = c.PlusScaled(expected, -1.0).abs().max().item<double>();
        if (!(error <= 1e-12)) return $"the self-check product differs from bmm by {error:G3}";
        if (!Outside().equal(untouched).all().item<bool>()) return "the self-check product wrote outside its destination";
        return null;
    }
}
