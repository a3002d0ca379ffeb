using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Verify.Model.Runtime;

/// <summary>
/// The float64 products of the training step, c = a b or c = c + a b, and the same with a transposed
/// weight (a w^T), in AVX-512 registers. MKL runs the stacked step's per-trial shapes
/// ((16 x 51)(51 x 50), (51 x 16)(16 x 50), the signal (16 x 50)(50 x 50)^T) at 39 to 45 GFLOP/s on
/// this machine's core: its vector blocks leave the two columns past 48 to slower code, and the
/// transposed operand costs more. Here every column is in a vector block (16, 8, 4, 2 and 1 wide,
/// and 16 + 2 for a width such as 50 that ends so), four rows at a time, and those shapes run at 45
/// to 52 GFLOP/s; the wide first layer's products at 53 to 55, as fast as MKL or faster.
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
/// The caller (<see cref="BatchedGemm.TryMultiply"/>) owns every check: the addresses are elements
/// of live CPU tensors, the rows of b (or of w) and of c have stride 1, c meets neither operand. a is
/// read element by element at any row and column strides, so a transposed operand costs nothing in
/// a b.
/// </para>
/// </remarks>
internal static unsafe class SmallGemm
{
    /// <summary>Why this process does not use the kernel (MKL then does every product), or null when it does.</summary>
    public static string? Unavailable { get; }

    static SmallGemm()
    {
        // In a static constructor, so that the permutes' index vectors below are set before the self-check.
        Unavailable = string.Equals(Environment.GetEnvironmentVariable(BatchedGemm.SwitchVariable)?.Trim(), MklOnly, StringComparison.OrdinalIgnoreCase)
            ? $"turned off by {BatchedGemm.SwitchVariable}={MklOnly}"
            : !Vector512.IsHardwareAccelerated || !Avx512F.IsSupported
                ? "this processor (or the runtime's settings) gives no accelerated AVX-512"
                : typeof(SmallGemm).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true
                  && Environment.GetEnvironmentVariable(UnoptimizedVariable)?.Trim() != "1"
                    ? "Verify.Model was built without optimization, where the kernel is slower than MKL"
                    : SelfCheck();
    }

    /// <summary>
    /// Set to 1, the kernel runs in a build without optimization too: mutation testing (Stryker
    /// compiles its mutants unoptimized), where only the kernel's results matter, not its speed.
    /// </summary>
    public const string UnoptimizedVariable = "VERIFY_KERNEL_UNOPTIMIZED";

    /// <summary>The value of <see cref="BatchedGemm.SwitchVariable"/> that leaves every direct product to MKL (the comparison a user can run with `bench`).</summary>
    public const string MklOnly = "mkl";

    /// <summary>True when this process runs the kernel in AVX-512 registers (see <see cref="Unavailable"/>).</summary>
    public static bool Available => Unavailable is null;

    static readonly ScopedSwitch off = new();

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
        Available && !off.IsRaised && m > 0 && n > 0 && k > 0
        && (byTransposed ? k * n <= 8192 && m * (k + n) <= 16384 : k <= 128 && m * n <= 262_144);

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

    /// <summary>A block's row count as a type, so that the JIT compiles each block once per count and drops the rows it does not have.</summary>
    interface IRows { static abstract int Count { get; } }
    readonly struct One : IRows { public static int Count => 1; }
    readonly struct Two : IRows { public static int Count => 2; }
    readonly struct Three : IRows { public static int Count => 3; }
    readonly struct Four : IRows { public static int Count => 4; }

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
    /// with rows ldd apart. 8 x 8 blocks go through registers (unpack, then two rounds of two-source
    /// permutes); the edges element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(double* s, nint lds, int rows, int cols, double* d, nint ldd, bool accumulate)
    {
        var i = 0;
        for (; i + 8 <= rows; i += 8)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Block16<R>(int k, double* a0, double* a1, double* a2, double* a3, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        Vector512<double> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 8);
            var x = Vector512.Create(*a0);
            s00 = Vector512.FusedMultiplyAdd(x, b0, s00);
            s01 = Vector512.FusedMultiplyAdd(x, b1, s01);
            if (R.Count > 1)
            {
                x = Vector512.Create(*a1);
                s10 = Vector512.FusedMultiplyAdd(x, b0, s10);
                s11 = Vector512.FusedMultiplyAdd(x, b1, s11);
            }
            if (R.Count > 2)
            {
                x = Vector512.Create(*a2);
                s20 = Vector512.FusedMultiplyAdd(x, b0, s20);
                s21 = Vector512.FusedMultiplyAdd(x, b1, s21);
            }
            if (R.Count > 3)
            {
                x = Vector512.Create(*a3);
                s30 = Vector512.FusedMultiplyAdd(x, b0, s30);
                s31 = Vector512.FusedMultiplyAdd(x, b1, s31);
            }
            a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol; b += ldb;
        }
        Store(c, s00, accumulate); Store(c + 8, s01, accumulate);
        if (R.Count > 1) { Store(c + ldc, s10, accumulate); Store(c + ldc + 8, s11, accumulate); }
        if (R.Count > 2) { Store(c + 2 * ldc, s20, accumulate); Store(c + 2 * ldc + 8, s21, accumulate); }
        if (R.Count > 3) { Store(c + 3 * ldc, s30, accumulate); Store(c + 3 * ldc + 8, s31, accumulate); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Block18<R>(int k, double* a0, double* a1, double* a2, double* a3, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        Vector512<double> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
        Vector128<double> t0 = default, t1 = default, t2 = default, t3 = default;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 8);
            var b2 = Vector128.Load(b + 16);
            var x = Vector512.Create(*a0);
            s00 = Vector512.FusedMultiplyAdd(x, b0, s00);
            s01 = Vector512.FusedMultiplyAdd(x, b1, s01);
            t0 = Vector128.FusedMultiplyAdd(x.GetLower().GetLower(), b2, t0);
            if (R.Count > 1)
            {
                x = Vector512.Create(*a1);
                s10 = Vector512.FusedMultiplyAdd(x, b0, s10);
                s11 = Vector512.FusedMultiplyAdd(x, b1, s11);
                t1 = Vector128.FusedMultiplyAdd(x.GetLower().GetLower(), b2, t1);
            }
            if (R.Count > 2)
            {
                x = Vector512.Create(*a2);
                s20 = Vector512.FusedMultiplyAdd(x, b0, s20);
                s21 = Vector512.FusedMultiplyAdd(x, b1, s21);
                t2 = Vector128.FusedMultiplyAdd(x.GetLower().GetLower(), b2, t2);
            }
            if (R.Count > 3)
            {
                x = Vector512.Create(*a3);
                s30 = Vector512.FusedMultiplyAdd(x, b0, s30);
                s31 = Vector512.FusedMultiplyAdd(x, b1, s31);
                t3 = Vector128.FusedMultiplyAdd(x.GetLower().GetLower(), b2, t3);
            }
            a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol; b += ldb;
        }
        Store(c, s00, accumulate); Store(c + 8, s01, accumulate); Store(c + 16, t0, accumulate);
        if (R.Count > 1) { Store(c + ldc, s10, accumulate); Store(c + ldc + 8, s11, accumulate); Store(c + ldc + 16, t1, accumulate); }
        if (R.Count > 2) { Store(c + 2 * ldc, s20, accumulate); Store(c + 2 * ldc + 8, s21, accumulate); Store(c + 2 * ldc + 16, t2, accumulate); }
        if (R.Count > 3) { Store(c + 3 * ldc, s30, accumulate); Store(c + 3 * ldc + 8, s31, accumulate); Store(c + 3 * ldc + 16, t3, accumulate); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Block8<R>(int k, double* a0, double* a1, double* a2, double* a3, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var p = 0; p < k; p++)
        {
            var v = Vector512.Load(b);
            s0 = Vector512.FusedMultiplyAdd(Vector512.Create(*a0), v, s0);
            if (R.Count > 1) s1 = Vector512.FusedMultiplyAdd(Vector512.Create(*a1), v, s1);
            if (R.Count > 2) s2 = Vector512.FusedMultiplyAdd(Vector512.Create(*a2), v, s2);
            if (R.Count > 3) s3 = Vector512.FusedMultiplyAdd(Vector512.Create(*a3), v, s3);
            a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol; b += ldb;
        }
        Store(c, s0, accumulate);
        if (R.Count > 1) Store(c + ldc, s1, accumulate);
        if (R.Count > 2) Store(c + 2 * ldc, s2, accumulate);
        if (R.Count > 3) Store(c + 3 * ldc, s3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Block4<R>(int k, double* a0, double* a1, double* a2, double* a3, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var p = 0; p < k; p++)
        {
            var v = Vector256.Load(b);
            s0 = Vector256.FusedMultiplyAdd(Vector256.Create(*a0), v, s0);
            if (R.Count > 1) s1 = Vector256.FusedMultiplyAdd(Vector256.Create(*a1), v, s1);
            if (R.Count > 2) s2 = Vector256.FusedMultiplyAdd(Vector256.Create(*a2), v, s2);
            if (R.Count > 3) s3 = Vector256.FusedMultiplyAdd(Vector256.Create(*a3), v, s3);
            a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol; b += ldb;
        }
        Store(c, s0, accumulate);
        if (R.Count > 1) Store(c + ldc, s1, accumulate);
        if (R.Count > 2) Store(c + 2 * ldc, s2, accumulate);
        if (R.Count > 3) Store(c + 3 * ldc, s3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Block2<R>(int k, double* a0, double* a1, double* a2, double* a3, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        Vector128<double> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var p = 0; p < k; p++)
        {
            var v = Vector128.Load(b);
            s0 = Vector128.FusedMultiplyAdd(Vector128.Create(*a0), v, s0);
            if (R.Count > 1) s1 = Vector128.FusedMultiplyAdd(Vector128.Create(*a1), v, s1);
            if (R.Count > 2) s2 = Vector128.FusedMultiplyAdd(Vector128.Create(*a2), v, s2);
            if (R.Count > 3) s3 = Vector128.FusedMultiplyAdd(Vector128.Create(*a3), v, s3);
            a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol; b += ldb;
        }
        Store(c, s0, accumulate);
        if (R.Count > 1) Store(c + ldc, s1, accumulate);
        if (R.Count > 2) Store(c + 2 * ldc, s2, accumulate);
        if (R.Count > 3) Store(c + 3 * ldc, s3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    static void Block1<R>(int k, double* a0, double* a1, double* a2, double* a3, nint aCol, double* b, nint ldb, double* c, nint ldc, bool accumulate) where R : struct, IRows
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (var p = 0; p < k; p++)
        {
            var v = *b;
            s0 = Math.FusedMultiplyAdd(*a0, v, s0);
            if (R.Count > 1) s1 = Math.FusedMultiplyAdd(*a1, v, s1);
            if (R.Count > 2) s2 = Math.FusedMultiplyAdd(*a2, v, s2);
            if (R.Count > 3) s3 = Math.FusedMultiplyAdd(*a3, v, s3);
            a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol; b += ldb;
        }
        c[0] = accumulate ? c[0] + s0 : s0;
        if (R.Count > 1) c[ldc] = accumulate ? c[ldc] + s1 : s1;
        if (R.Count > 2) c[2 * ldc] = accumulate ? c[2 * ldc] + s2 : s2;
        if (R.Count > 3) c[3 * ldc] = accumulate ? c[3 * ldc] + s3 : s3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(double* c, Vector512<double> s, bool accumulate) => (accumulate ? Vector512.Load(c) + s : s).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(double* c, Vector256<double> s, bool accumulate) => (accumulate ? Vector256.Load(c) + s : s).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(double* c, Vector128<double> s, bool accumulate) => (accumulate ? Vector128.Load(c) + s : s).Store(c);

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
