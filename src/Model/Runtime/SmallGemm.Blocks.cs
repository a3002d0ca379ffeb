using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Verify.Model.Runtime;

/// <summary>
/// The kernel's unrolled blocks: R rows (1 to 4) of the product across 16, 18, 8, 4, 2 or 1 columns,
/// each element a fused multiply-add chain over k in order from zero, stored or added to c once.
/// </summary>
internal static unsafe partial class SmallGemm
{
    /// <summary>A block's row count as a type, so that the JIT compiles each block once per count and drops the rows it does not have.</summary>
    interface IRows { static abstract int Count { get; } }
    readonly struct One : IRows { public static int Count => 1; }
    readonly struct Two : IRows { public static int Count => 2; }
    readonly struct Three : IRows { public static int Count => 3; }
    readonly struct Four : IRows { public static int Count => 4; }

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
}
