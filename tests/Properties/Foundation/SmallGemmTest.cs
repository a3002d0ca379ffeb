using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The suite's small-matrix kernel (<see cref="SmallGemm"/>) computes each element of a b and of
/// a w^T as the fused multiply-add chain over k in order, from zero, then adds it to c's old element
/// when it accumulates; it writes nothing outside the product, whatever the shape's edges (rows and
/// columns past its vector blocks, panels of b, a read by rows or by columns). Through
/// <see cref="BatchedGemm"/> it takes the step's products, where it gives MKL's results. The kernel is
/// written with 512-bit vector types whose operations are defined element by element, so these tests
/// run it on every processor: in AVX-512 registers where there are some, in narrower ones elsewhere.
/// </summary>
[TestFixture]
public sealed unsafe class SmallGemmTest
{
    /// <summary>Where AVX-512 is accelerated the training step must take the kernel, unless VERIFY_DIRECT_BLAS=mkl turned it off; elsewhere the tests run it all the same.</summary>
    [OneTimeSetUp]
    public void TheKernelIsOn_WhereAvx512Is()
    {
        var mklOnly = string.Equals(Environment.GetEnvironmentVariable(StepOps.SwitchVariable)?.Trim(), SmallGemm.MklOnly, StringComparison.OrdinalIgnoreCase);
        if (Vector512.IsHardwareAccelerated && !mklOnly && !SmallGemm.Available)
            Assert.Fail($"This processor gives accelerated AVX-512, so the kernel must be available; it is not: {SmallGemm.Unavailable}");
        TestContext.Out.WriteLine($"The kernel in this process: {SmallGemm.Unavailable ?? "available"}; AVX-512 accelerated: {Vector512.IsHardwareAccelerated}");
    }

    public sealed record Case(int M, int N, int K, bool ByColumns, bool Transposed, bool Accumulate, int Seed)
    {
        public override string ToString() =>
            $"c ({M} x {N}) {(Accumulate ? "+=" : "=")} a ({M} x {K}) read by {(ByColumns ? "columns" : "rows")} times {(Transposed ? "w^T, w" : "b, b")} ({(Transposed ? $"{N} x {K}" : $"{K} x {N}")}), seed {Seed}";
    }

    /// <summary>Shapes across the kernel's edges: rows 1 to 40 (blocks of 4), columns 1 to 70 (blocks of 16, 8, 4, 2, 1), k up to 128 (panels of b), and now and then 300 columns (several panels).</summary>
    static Gen<Case> Cases() =>
        from m in Gen.Choose(1, 40)
        from wide in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from n in wide ? Gen.Choose(129, 300) : Gen.Choose(1, 70)
        from k in Gen.Choose(1, 128)
        from byColumns in Gen.Elements(false, true)
        from transposed in Gen.Elements(false, true)
        from accumulate in Gen.Elements(false, true)
        from seed in Gen.Choose(0, 1_000_000)
        where !transposed || (k * n <= 8192 && m * (k + n) <= 16384)
        select new Case(m, n, k, byColumns, transposed, accumulate, seed);

    /// <summary>The operands and the destination of a case: c lies in rows 3 elements wider than the product, with 4 more rows below it, values in every element.</summary>
    sealed class Arrays
    {
        public readonly double[] A, B, C, Start;
        public readonly int Ldc;

        /// <summary>Rows of c's buffer below the product (the kernel's last block of 4 rows may hold fewer).</summary>
        public const int ExtraRows = 4;

        public Arrays(Case c)
        {
            var random = new Random(c.Seed);
            double Next() => random.NextDouble() * 2 - 1;
            A = Fill(c.M * c.K);
            B = Fill(c.K * c.N);
            Ldc = c.N + 3;
            Start = Fill((c.M + ExtraRows) * Ldc);
            C = (double[])Start.Clone();
            double[] Fill(int length)
            {
                var values = new double[length];
                for (var i = 0; i < length; i++) values[i] = Next();
                return values;
            }
        }

        /// <summary>a's element (i, p): stored by rows (i K + p) or by columns (p M + i).</summary>
        public double AAt(Case c, int i, int p) => c.ByColumns ? A[p * c.M + i] : A[i * c.K + p];

        /// <summary>The second factor's element (p, j): b stored by rows (p N + j), or w^T with w stored by rows (j K + p).</summary>
        public double BAt(Case c, int p, int j) => c.Transposed ? B[j * c.K + p] : B[p * c.N + j];
    }

    static void Run(Case c, Arrays x)
    {
        nint aRow = c.ByColumns ? 1 : c.K, aCol = c.ByColumns ? c.M : 1;
        fixed (double* a = x.A, b = x.B, d = x.C)
        {
            if (c.Transposed) SmallGemm.MultiplyByTransposed(c.M, c.N, c.K, a, aRow, aCol, b, c.K, d, x.Ldc, c.Accumulate);
            else SmallGemm.Multiply(c.M, c.N, c.K, a, aRow, aCol, b, c.N, d, x.Ldc, c.Accumulate);
        }
    }

    /// <summary>The chain the kernel promises: over k in order, each term fused, from zero; added to c's old element once.</summary>
    static double Chain(Case c, Arrays x, int i, int j, bool reversed = false)
    {
        var sum = 0.0;
        for (var q = 0; q < c.K; q++)
        {
            var p = reversed ? c.K - 1 - q : q;
            sum = Math.FusedMultiplyAdd(x.AAt(c, i, p), x.BAt(c, p, j), sum);
        }
        return c.Accumulate ? x.Start[i * x.Ldc + j] + sum : sum;
    }

    /// <summary>The first element where the kernel's result is not the given chain (or a write outside the product), or null.</summary>
    static string? FirstDifference(Case c, Arrays x, bool reversed = false)
    {
        for (var i = 0; i < c.M + Arrays.ExtraRows; i++)
            for (var j = 0; j < x.Ldc; j++)
            {
                var inside = i < c.M && j < c.N;
                var expected = inside ? Chain(c, x, i, j, reversed) : x.Start[i * x.Ldc + j];
                var actual = x.C[i * x.Ldc + j];
                if (BitConverter.DoubleToInt64Bits(actual) != BitConverter.DoubleToInt64Bits(expected))
                    return $"({i}, {j}){(inside ? "" : " outside the product")}: {actual:R}, expected {expected:R}";
            }
        return null;
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property EachElement_IsTheFusedChainOverKInOrder_AndNothingOutsideIsWritten() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var x = new Arrays(c);
            Run(c, x);
            var difference = FirstDifference(c, x);
            return (difference is null).Label($"{c}: {difference ?? "same bits"}")
                .Classify(c.N % 16 != 0, "columns past the 16-wide blocks")
                .Classify(c.M % 4 != 0, "rows past the 4-row blocks")
                .Classify(c.N > Math.Max(16, 2048 / c.K / 16 * 16), "several panels")
                .Classify(c.N % 16 == 2 && c.N > 2, "16 columns and 2 more in one block");
        });

    /// <summary>
    /// Widths that end in 16 columns and 2 more (the step's 50, and 18, 34, 66, 130) take one block for
    /// those 18, also where the 2 left over would have made a panel of their own (k over 64); 2 and 16
    /// for contrast. Both products, accumulating or not, a read by rows and by columns, 13 to 15 rows (a
    /// last block of 1, 2 and 3 rows).
    /// </summary>
    public static IEnumerable<Case> EighteenColumnEnds() =>
        from m in new[] { 13, 14, 15 }
        from n in new[] { 2, 16, 18, 34, 50, 66, 130 }
        from k in new[] { 16, 51, 101 }
        from transposed in new[] { false, true }
        where !transposed || k * n <= 8192
        from accumulate in new[] { false, true }
        select new Case(m, n, k, ByColumns: accumulate, transposed, accumulate, Seed: m * 1_000_000 + n * 1000 + k);

    [TestCaseSource(nameof(EighteenColumnEnds))]
    public void AProductEndingIn16And2Columns_IsTheChainToo(Case c)
    {
        var x = new Arrays(c);
        Run(c, x);
        FirstDifference(c, x).ShouldBeNull(c.ToString());
    }

    /// <summary>Negative control: the same bitwise judge tells the chain in reverse order apart from the kernel's (a step-size product, k = 51).</summary>
    [Test]
    public void TheJudge_CatchesTheChainSummedInAnotherOrder()
    {
        var c = new Case(16, 50, 51, ByColumns: false, Transposed: false, Accumulate: false, Seed: 7);
        var x = new Arrays(c);
        Run(c, x);
        FirstDifference(c, x).ShouldBeNull(c.ToString());
        FirstDifference(c, x, reversed: true).ShouldNotBeNull($"{c}: the reversed chain must differ somewhere in 800 elements");
    }

    public sealed record Shape(long M, long N, long K, bool ByTransposed, bool Suits, string Why)
    {
        public override string ToString() => $"({M} x {K}) times {(ByTransposed ? $"({N} x {K})^T" : $"({K} x {N})")}: {Why}";
    }

    /// <summary>The kernel's range (<see cref="SmallGemm.InRange"/>): the step's shapes in, each limit met exactly in, one past it out.</summary>
    public static readonly Shape[] Shapes =
    [
        new(16, 50, 51, false, true, "the upper layer's forward product"),
        new(16, 50, 50, true, true, "the signal"),
        new(51, 50, 16, false, true, "the upper layer's update"),
        new(16, 1600, 101, false, true, "the wide first layer's forward product"),
        new(101, 1600, 16, false, true, "the wide first layer's update"),
        new(16, 50, 128, false, true, "k at its limit, 128"),
        new(16, 50, 129, false, false, "k past its limit"),
        new(512, 512, 16, false, true, "c at its limit, 262,144 elements"),
        new(512, 513, 16, false, false, "c past its limit"),
        new(16, 64, 128, true, true, "w at its limit, 8,192 elements"),
        new(16, 65, 128, true, false, "w past its limit"),
        new(128, 64, 64, true, true, "the scratch at its limit, 16,384 elements"),
        new(129, 64, 64, true, false, "the scratch past its limit"),
        new(0, 50, 50, false, false, "no rows"),
        new(16, 0, 50, false, false, "no columns"),
        new(16, 50, 0, false, false, "an empty inner dimension (c is still scaled: MKL's business)"),
    ];

    [TestCaseSource(nameof(Shapes))]
    public void TheKernelsRange_IsTheMeasuredOne(Shape shape) =>
        SmallGemm.InRange(shape.M, shape.N, shape.K, shape.ByTransposed).ShouldBe(shape.Suits, shape.ToString());

    [Test]
    public void WithinADisabledScope_NothingSuitsTheKernel()
    {
        using var force = SmallGemm.Forced();
        using (SmallGemm.Disabled()) SmallGemm.Suits(16, 50, 51, byTransposed: false).ShouldBeFalse("inside the scope");
        SmallGemm.Suits(16, 50, 51, byTransposed: false).ShouldBeTrue("after the scope");
        SmallGemm.Suits(16, 50, 129, byTransposed: false).ShouldBeFalse("out of range");
    }

    /// <summary>The kernel refuses an operand it cannot transpose by vectors (neither rows nor columns of stride 1) instead of reading it wrongly.</summary>
    [Test]
    public void AnOperandWithNoUnitStride_IsRefused()
    {
        var a = new double[64];
        var w = new double[64];
        var c = new double[64];
        Should.Throw<ArgumentException>(() =>
        {
            fixed (double* pa = a, pw = w, pc = c) SmallGemm.MultiplyByTransposed(2, 2, 2, pa, 4, 2, pw, 2, pc, 2, accumulate: false);
        });
    }

    public sealed record StepProduct(string Name, long[] AShape, bool ATransposed, long[] BShape, bool BIsWeightTransposed, double Beta)
    {
        public override string ToString() => Name;
    }

    /// <summary>The products of a step of 32 paper-size trials (batch 16, 50 nodes, bias column) that the kernel takes.</summary>
    public static readonly StepProduct[] StepProducts =
    [
        new("the upper layer's forward product h~ W (16 x 51)(51 x 50)", [32, 16, 51], false, [32, 51, 50], false, 0),
        new("the signal g W^T without the bias row (16 x 50)(50 x 50)", [32, 16, 50], false, [32, 51, 50], true, 0),
        new("the upper layer's update W += h~^T g (51 x 16)(16 x 50)", [32, 16, 51], true, [32, 16, 50], false, 1),
        new("the wide first layer's update W_1 += X~^T G (101 x 16)(16 x 1600)", [1, 16, 101], true, [1, 16, 1600], false, 1),
    ];

    /// <summary>
    /// Through <see cref="BatchedGemm.TryMultiply"/>, the step's products go to the kernel and agree with MKL's
    /// (the same call inside <see cref="SmallGemm.Disabled"/>) to 1e-13 relative; on this machine's MKL they agree bit for bit,
    /// which the message reports. On a processor without AVX-512 the kernel is forced (<see cref="SmallGemm.Forced"/>).
    /// </summary>
    [TestCaseSource(nameof(StepProducts))]
    public void TheStepsProducts_AreTakenByTheKernel_AndAgreeWithMkl(StepProduct product)
    {
        using var scope = NewDisposeScope();
        using var force = SmallGemm.Forced();
        using var rng = new Generator(11);
        var a = randn(product.AShape, dtype: ScalarType.Float64, generator: rng);
        if (product.ATransposed) a = a.transpose(1, 2);
        var b = randn(product.BShape, dtype: ScalarType.Float64, generator: rng);
        if (product.BIsWeightTransposed) b = b.narrow(1, 0, product.BShape[1] - 1).transpose(1, 2);
        var start = randn([a.size(0), a.size(1), b.size(2)], dtype: ScalarType.Float64, generator: rng);
        var (kernel, mkl) = (start.clone(), start.clone());

        var before = BatchedGemm.KernelCalls;
        BatchedGemm.TryMultiply(kernel, a, b, 1, product.Beta).ShouldBeTrue(product.Name);
        BatchedGemm.KernelCalls.ShouldBe(before + 1, $"{product}: taken by the kernel");
        using (SmallGemm.Disabled())
        {
            BatchedGemm.TryMultiply(mkl, a, b, 1, product.Beta).ShouldBeTrue(product.Name);
            BatchedGemm.KernelCalls.ShouldBe(before + 1, $"{product}: inside the disabled scope MKL does it");
        }
        var error = kernel.PlusScaled(mkl, -1.0).abs().max().item<double>() / mkl.abs().max().item<double>();
        var sameBits = kernel.equal(mkl).all().item<bool>();
        error.ShouldBeLessThanOrEqualTo(1e-13, $"{product}: relative difference from MKL (same bits: {sameBits})");
        TestContext.Out.WriteLine($"{product}: same bits as MKL {sameBits}, relative difference {error:G3}");
    }
}
