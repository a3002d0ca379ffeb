using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Verify.Model.Runtime;

/// <summary>
/// The float64 products of the training step, c = a b or c = c + a b, and the same with a transposed
/// weight (a w^T), in 512-bit registers. On the stacked step's per-trial shapes ((16 x 51)(51 x 50),
/// (51 x 16)(16 x 50), the signal (16 x 50)(50 x 50)^T) MKL's vector blocks leave the two columns
/// past 48 to slower code, and the transposed operand costs more. Here every column is in a vector
/// block (16, 8, 4, 2 and 1 wide, and 16 + 2 for a width such as 50 that ends so), four rows at a
/// time; docs/dev/performance.md has the measured rates against MKL's.
/// </summary>
/// <remarks>
/// <para>
/// The arithmetic is fixed: each element of a b is the fused multiply-add chain over k in order,
/// from zero (the first term a product rounded once), and <c>accumulate</c> then adds it to c's old
/// element once. That is also the order MKL's small-matrix kernels use, so on the step's shapes the
/// products come out bit for bit as before (<c>SmallGemmTest</c> holds the kernel to a scalar
/// reference of that order, and compares the step's products with MKL's).
/// </para>
/// <para>
/// The code is written with .NET's 512-bit vector types, whose operations are defined element by
/// element: on a processor without AVX-512 they run in narrower registers and give the same bits,
/// only slower than MKL. So the training step takes the kernel only where AVX-512 is accelerated
/// (<see cref="Available"/>), while its tests run it on every processor (<see cref="Forced"/>).
/// </para>
/// <para>
/// The caller (<see cref="BatchedGemm.TryMultiply"/>) owns every check: the addresses are elements
/// of live CPU tensors, the rows of b (or of w) and of c have stride 1, c meets neither operand. a is
/// read element by element at any row and column strides, so a transposed operand costs nothing in
/// a b.
/// </para>
/// </remarks>
internal static unsafe partial class SmallGemm
{
    /// <summary>Why this process does not use the kernel (MKL then does every product), or null when it does.</summary>
    public static string? Unavailable { get; }

    static SmallGemm()
    {
        // In a static constructor, so that the permutes' index vectors below are set before the self-check.
        Unavailable = string.Equals(Environment.GetEnvironmentVariable(StepOps.SwitchVariable)?.Trim(), MklOnly, StringComparison.OrdinalIgnoreCase)
            ? $"turned off by {StepOps.SwitchVariable}={MklOnly}"
            : !Vector512.IsHardwareAccelerated || !Avx512F.IsSupported
                ? "this processor (or the runtime's settings) gives no accelerated AVX-512"
                : typeof(SmallGemm).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true
                  && Environment.GetEnvironmentVariable(UnoptimizedVariable)?.Trim() != "1"
                    ? "Verify.Model was built without optimization, where the kernel is slower than MKL"
                    : selfCheck.Value;
    }

    /// <summary>
    /// Set to 1, the kernel runs in a build without optimization too: mutation testing (Stryker
    /// compiles its mutants unoptimized), where only the kernel's results matter, not its speed.
    /// </summary>
    public const string UnoptimizedVariable = "VERIFY_KERNEL_UNOPTIMIZED";

    /// <summary>The value of <see cref="StepOps.SwitchVariable"/> that leaves every direct product to MKL (the comparison a user can run with `bench`).</summary>
    public const string MklOnly = "mkl";

    /// <summary>True when this process runs the kernel in AVX-512 registers (see <see cref="Unavailable"/>).</summary>
    public static bool Available => Unavailable is null;

    static readonly ScopedSwitch off = new(), forced = new();

    /// <summary>Null when the kernel reproduces its chain in this process, whatever its registers (checked once, on first use); else what went wrong.</summary>
    static readonly Lazy<string?> selfCheck = new(SelfCheck);

    /// <summary>
    /// Within the returned scope (this thread and the work it starts) <see cref="BatchedGemm"/> takes the
    /// kernel for the shapes it suits on any processor, AVX-512 or not (after the kernel's self-check):
    /// the tests of the kernel behind the batched products, on a machine without AVX-512.
    /// </summary>
    public static IDisposable Forced() => forced.Raise();

    /// <summary>
    /// Within the returned scope (this thread and the work it starts) <see cref="Suits"/> is false, so
    /// <see cref="BatchedGemm"/> hands every product to MKL: the comparison in the tests and the benchmark.
    /// </summary>
    public static IDisposable Disabled() => off.Raise();

    /// <summary>
    /// True for the products this kernel is for, the shapes where it was measured against MKL: a b with
    /// k at most 128 (a panel of 16 columns of b, 16 KiB, stays in the first-level cache while every
    /// row of a passes over it) and c at most 262,144 elements (the step's widest, 101 x 1,600); a w^T
    /// with w at most 8,192 elements and a and the product within the 16,384-element scratch of
    /// <see cref="MultiplyByTransposed"/>.
    /// </summary>
    public static bool Suits(long m, long n, long k, bool byTransposed) =>
        !off.IsRaised && (Available || forced.IsRaised && selfCheck.Value is null) && InRange(m, n, k, byTransposed);

    /// <summary>The shapes of <see cref="Suits"/>, whether or not this process runs the kernel.</summary>
    public static bool InRange(long m, long n, long k, bool byTransposed) =>
        m > 0 && n > 0 && k > 0 && (byTransposed ? k * n <= 8192 && m * (k + n) <= 16384 : k <= 128 && m * n <= 262_144);

    /// <summary>
    /// c &lt;- a b, or c &lt;- c + a b when <paramref name="accumulate"/>: a (m, k) read at a[i * aRow + p * aCol],
    /// b (k, n) with rows ldb apart, c (m, n) with rows ldc apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int m, int n, int k, double* a, nint aRow, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate)
    {
        // Panels of b's columns small enough (16 KiB) to stay in the first-level cache while every row of a passes over them.
        var panel = Math.Max(16, 2048 / k / 16 * 16);
        for (var j0 = 0; j0 < n;)
        {
            var width = Math.Min(panel, n - j0);
            if (n - j0 - width == 2) width += 2; // 2 columns left over go with this panel (Block18), not in one of their own
            Panel(m, width, k, a, aRow, aCol, b + j0, ldb, c + j0, ldc, accumulate);
            j0 += width;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Panel(int m, int n, int k, double* a, nint aRow, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate)
    {
        var i = 0;
        for (; i + 4 <= m; i += 4) Rows<Four>(n, k, a + i * aRow, aRow, aCol, b, ldb, c + i * ldc, ldc, accumulate);
        // The last 1 to 3 rows in blocks of their own size: a block of 4 would compute the missing rows too.
        switch (m - i)
        {
            case 3: Rows<Three>(n, k, a + i * aRow, aRow, aCol, b, ldb, c + i * ldc, ldc, accumulate); break;
            case 2: Rows<Two>(n, k, a + i * aRow, aRow, aCol, b, ldb, c + i * ldc, ldc, accumulate); break;
            case 1: Rows<One>(n, k, a + i * aRow, aRow, aCol, b, ldb, c + i * ldc, ldc, accumulate); break;
        }
    }

    /// <summary>R.Count rows of the product (1 to 4), across every column of the panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Rows<R>(int n, int k, double* a, nint aRow, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        // The blocks read a row's pointer only where R.Count has that row.
        double* a0 = a, a1 = a + aRow, a2 = a + 2 * aRow, a3 = a + 3 * aRow;
        var j = 0;
        for (; j + 16 <= n; j += 16)
        {
            // 16 columns and 2 more in one pass (n = 50 ends so): the 2 in 128-bit registers beside the
            // 512-bit ones, instead of a pass of their own whose chains wait on each other.
            if (n - j == 18) { Block18<R>(k, a0, a1, a2, a3, aCol, b + j, ldb, c + j, ldc, accumulate); return; }
            Block16<R>(k, a0, a1, a2, a3, aCol, b + j, ldb, c + j, ldc, accumulate);
        }
        if (j + 8 <= n) { Block8<R>(k, a0, a1, a2, a3, aCol, b + j, ldb, c + j, ldc, accumulate); j += 8; }
        if (j + 4 <= n) { Block4<R>(k, a0, a1, a2, a3, aCol, b + j, ldb, c + j, ldc, accumulate); j += 4; }
        if (j + 2 <= n) { Block2<R>(k, a0, a1, a2, a3, aCol, b + j, ldb, c + j, ldc, accumulate); j += 2; }
        if (j < n) Block1<R>(k, a0, a1, a2, a3, aCol, b + j, ldb, c + j, ldc, accumulate);
    }

    /// <summary>
    /// c &lt;- a w^T, or c &lt;- c + a w^T when <paramref name="accumulate"/>: a (m, k) read at
    /// a[i * aRow + p * aCol] with rows (aCol = 1) or columns (aRow = 1) of stride 1, w (n, k) with rows
    /// ldw apart, c (m, n) with rows ldc apart. Both operands run along k, so no vector holds a row of
    /// the product as it is wanted: a^T is laid out in a scratch by rows (unless a lies by columns
    /// already), <see cref="Multiply"/> forms (a w^T)^T = w a^T there by rows, and that is transposed
    /// into c, in 8 x 8 blocks of registers. Each element is the same chain as in <see cref="Multiply"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyByTransposed(int m, int n, int k, double* a, nint aRow, nint aCol, double* w, nint ldw, double* c, nint ldc, bool accumulate)
    {
        if (aRow != 1 && aCol != 1) throw new ArgumentException("a must lie by rows or by columns.");
        var needed = (aRow == 1 ? 0 : k * m) + n * m;
        var buffer = scratch is { } held && held.Length >= needed ? held : scratch = new double[Math.Max(needed, 4096)];
        fixed (double* s = buffer.AsSpan(0, needed)) // a span of exactly what is written: a short buffer throws instead of being overrun
        {
            double* at = a;
            nint ldat = aCol;
            var ct = s;
            if (aRow != 1)
            {
                Transpose(a, aRow, m, k, s, m, accumulate: false);
                at = s;
                ldat = m;
                ct = s + k * m;
            }
            Multiply(n, m, k, w, ldw, 1, at, ldat, ct, m, accumulate: false);
            Transpose(ct, m, n, m, c, ldc, accumulate);
        }
    }

    [ThreadStatic] static double[]? scratch;

    /// <summary>
    /// d &lt;- s^T (or d + s^T): s (rows, cols) with rows lds apart and stride 1 along them, d (cols, rows)
    /// with rows ldd apart. 8 x 8 blocks go through AVX-512 registers (unpack, then two rounds of
    /// two-source permutes); the edges, and everything on a processor without AVX-512, element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(double* s, nint lds, int rows, int cols, double* d, nint ldd, bool accumulate)
    {
        var i = 0;
        for (; Avx512F.IsSupported && i + 8 <= rows; i += 8)
        {
            var j = 0;
            for (; j + 8 <= cols; j += 8) Transpose8(s + i * lds + j, lds, d + j * ldd + i, ldd, accumulate);
            for (; j < cols; j++)
                for (var r = i; r < i + 8; r++) Put(d + j * ldd + r, s[r * lds + j], accumulate);
        }
        for (; i < rows; i++)
            for (var j = 0; j < cols; j++) Put(d + j * ldd + i, s[i * lds + j], accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put(double* d, double v, bool accumulate) => *d = accumulate ? *d + v : v;

    static readonly Vector512<long> pairsLow = Vector512.Create(0L, 1, 8, 9, 4, 5, 12, 13);
    static readonly Vector512<long> pairsHigh = Vector512.Create(2L, 3, 10, 11, 6, 7, 14, 15);
    static readonly Vector512<long> halvesLow = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
    static readonly Vector512<long> halvesHigh = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Transpose8(double* s, nint lds, double* d, nint ldd, bool accumulate)
    {
        var r0 = Vector512.Load(s); var r1 = Vector512.Load(s + lds);
        var r2 = Vector512.Load(s + 2 * lds); var r3 = Vector512.Load(s + 3 * lds);
        var r4 = Vector512.Load(s + 4 * lds); var r5 = Vector512.Load(s + 5 * lds);
        var r6 = Vector512.Load(s + 6 * lds); var r7 = Vector512.Load(s + 7 * lds);
        // Element j of row r is r_j. u01 = (0_0 1_0 0_2 1_2 0_4 1_4 0_6 1_6), and so on.
        var u01 = Avx512F.UnpackLow(r0, r1); var v01 = Avx512F.UnpackHigh(r0, r1);
        var u23 = Avx512F.UnpackLow(r2, r3); var v23 = Avx512F.UnpackHigh(r2, r3);
        var u45 = Avx512F.UnpackLow(r4, r5); var v45 = Avx512F.UnpackHigh(r4, r5);
        var u67 = Avx512F.UnpackLow(r6, r7); var v67 = Avx512F.UnpackHigh(r6, r7);
        // Columns 0 and 4 of rows 0 to 3: (0_0 1_0 2_0 3_0 0_4 1_4 2_4 3_4), and so on.
        var c04a = Avx512F.PermuteVar8x64x2(u01, pairsLow, u23); var c26a = Avx512F.PermuteVar8x64x2(u01, pairsHigh, u23);
        var c15a = Avx512F.PermuteVar8x64x2(v01, pairsLow, v23); var c37a = Avx512F.PermuteVar8x64x2(v01, pairsHigh, v23);
        var c04b = Avx512F.PermuteVar8x64x2(u45, pairsLow, u67); var c26b = Avx512F.PermuteVar8x64x2(u45, pairsHigh, u67);
        var c15b = Avx512F.PermuteVar8x64x2(v45, pairsLow, v67); var c37b = Avx512F.PermuteVar8x64x2(v45, pairsHigh, v67);
        Put(d, Avx512F.PermuteVar8x64x2(c04a, halvesLow, c04b), accumulate);
        Put(d + ldd, Avx512F.PermuteVar8x64x2(c15a, halvesLow, c15b), accumulate);
        Put(d + 2 * ldd, Avx512F.PermuteVar8x64x2(c26a, halvesLow, c26b), accumulate);
        Put(d + 3 * ldd, Avx512F.PermuteVar8x64x2(c37a, halvesLow, c37b), accumulate);
        Put(d + 4 * ldd, Avx512F.PermuteVar8x64x2(c04a, halvesHigh, c04b), accumulate);
        Put(d + 5 * ldd, Avx512F.PermuteVar8x64x2(c15a, halvesHigh, c15b), accumulate);
        Put(d + 6 * ldd, Avx512F.PermuteVar8x64x2(c26a, halvesHigh, c26b), accumulate);
        Put(d + 7 * ldd, Avx512F.PermuteVar8x64x2(c37a, halvesHigh, c37b), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put(double* d, Vector512<double> v, bool accumulate) => (accumulate ? Vector512.Load(d) + v : v).Store(d);

    /// <summary>
    /// Null when both products reproduce, bit for bit, the scalar chain they promise on a case with
    /// every edge (rows and columns past the vector blocks, a read by columns, accumulation, c's rows
    /// wider than the product); else what went wrong.
    /// </summary>
    static string? SelfCheck()
    {
        const int m = 9, n = 27, k = 7, ldc = n + 3;
        var random = new Random(20261128);
        double Next() => random.NextDouble() * 2 - 1;
        var a = new double[m * k];
        var w = new double[n * k];
        var b = new double[k * n];
        for (var i = 0; i < a.Length; i++) a[i] = Next();
        for (var i = 0; i < w.Length; i++) w[i] = Next();
        for (var i = 0; i < b.Length; i++) b[i] = Next();
        var start = new double[m * ldc];
        for (var i = 0; i < start.Length; i++) start[i] = Next();
        foreach (var transposed in new[] { false, true })
            foreach (var accumulate in new[] { false, true })
            {
                var c = (double[])start.Clone();
                fixed (double* pa = a, pb = b, pw = w, pc = c)
                {
                    // a read by columns: element (i, p) at a[p * m + i].
                    if (transposed) MultiplyByTransposed(m, n, k, pa, 1, m, pw, k, pc, ldc, accumulate);
                    else Multiply(m, n, k, pa, 1, m, pb, n, pc, ldc, accumulate);
                }
                for (var i = 0; i < m; i++)
                    for (var j = 0; j < ldc; j++)
                    {
                        var expected = start[i * ldc + j];
                        if (j < n)
                        {
                            var sum = 0.0;
                            for (var p = 0; p < k; p++) sum = Math.FusedMultiplyAdd(a[p * m + i], transposed ? w[j * k + p] : b[p * n + j], sum);
                            expected = accumulate ? expected + sum : sum;
                        }
                        if (BitConverter.DoubleToInt64Bits(c[i * ldc + j]) != BitConverter.DoubleToInt64Bits(expected))
                            return $"the small-matrix kernel's self-check ({(transposed ? "a w^T" : "a b")}, {(accumulate ? "accumulating" : "overwriting")}) gave {c[i * ldc + j]:R} at ({i}, {j}) where its chain gives {expected:R}";
                    }
            }
        return null;
    }
}
