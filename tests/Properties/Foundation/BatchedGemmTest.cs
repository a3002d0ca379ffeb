using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The direct batched products (<see cref="BatchedGemm"/>: MKL's batched GEMM inside libtorch, written
/// in place) compute c_t = alpha a_t b_t + beta c_t as libtorch's bmm does, for operands stored by rows,
/// by columns (transposed views) or inside wider buffers, and destinations that are whole tensors or
/// blocks side by side in a wider matrix; they write nothing outside the destination, and they decline
/// (leaving it untouched, so the caller uses libtorch) whatever they cannot hand to BLAS as it lies.
/// </summary>
[TestFixture]
public sealed class BatchedGemmTest
{
    /// <summary>True where the direct products must be available: libtorch-cpu for linux-x64 links MKL (VERIFY_DIRECT_BLAS=off only keeps the training step from choosing them).</summary>
    internal static bool DirectPathExpected =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [OneTimeSetUp]
    public void RequireTheDirectPath()
    {
        if (BatchedGemm.Available && BatchedGemm.Unavailable is null) return;
        if (DirectPathExpected) Assert.Fail($"libtorch-cpu for linux-x64 links MKL, so the direct products must be available; they are not: {BatchedGemm.Unavailable}");
        // The step's products still run here, through the reference: StepOpsProductTest checks them on every machine.
        Assert.Ignore($"No direct batched products in this process: {BatchedGemm.Unavailable}");
    }

    /// <summary>The switch a user turns: `verify info` says the products are direct and the step's passes over host memory are on, and with VERIFY_DIRECT_BLAS=off that libtorch's bmm and operators do them, and why.</summary>
    [Test]
    public void TheSwitch_TurnsTheDirectProductsOff_AndVerifyInfoSaysWhichPathRuns()
    {
        var on = VerifyProgram.Run(new Dictionary<string, string> { [StepOps.SwitchVariable] = "" }, TimeSpan.FromSeconds(60), "info");
        var off = VerifyProgram.Run(new Dictionary<string, string> { [StepOps.SwitchVariable] = "off" }, TimeSpan.FromSeconds(60), "info");
        on.ExitCode.ShouldBe(0, on.ToString());
        off.ExitCode.ShouldBe(0, off.ToString());
        on.Stdout.ShouldContain("batched products  direct: MKL's cblas_?gemm_batch", customMessage: on.ToString());
        off.Stdout.ShouldContain($"batched products  libtorch's bmm (turned off by {StepOps.SwitchVariable}=off)", customMessage: off.ToString());
        on.Stdout.ShouldContain("gate, activation and residuals in passes over host memory", customMessage: on.ToString());
        off.Stdout.ShouldContain("gate, activation and residuals by libtorch's operators", customMessage: off.ToString());
    }

    /// <summary>VERIFY_DIRECT_BLAS=mkl keeps the direct products and the passes but leaves every product to MKL, not the suite's kernel, and `verify info` says so.</summary>
    [Test]
    public void TheSwitchSetToMkl_TurnsOnlyTheKernelOff()
    {
        var on = VerifyProgram.Run(new Dictionary<string, string> { [StepOps.SwitchVariable] = "" }, TimeSpan.FromSeconds(60), "info");
        var mkl = VerifyProgram.Run(new Dictionary<string, string> { [StepOps.SwitchVariable] = SmallGemm.MklOnly }, TimeSpan.FromSeconds(60), "info");
        on.ExitCode.ShouldBe(0, on.ToString());
        mkl.ExitCode.ShouldBe(0, mkl.ToString());
        mkl.Stdout.ShouldContain("batched products  direct: MKL's cblas_?gemm_batch", customMessage: mkl.ToString());
        mkl.Stdout.ShouldContain($"every product by MKL (the suite's kernel: turned off by {StepOps.SwitchVariable}={SmallGemm.MklOnly})", customMessage: mkl.ToString());
        mkl.Stdout.ShouldContain("gate, activation and residuals in passes over host memory", customMessage: mkl.ToString());
        if (SmallGemm.Available) on.Stdout.ShouldContain("by the suite's AVX-512 kernel", customMessage: on.ToString());
    }

    /// <summary>How an operand lies in memory.</summary>
    public enum Layout { Rows, Columns, InsideWider }

    public sealed record Case(ScalarType DType, int T, int M, int N, int K, Layout A, Layout B, bool DestinationSideBySide, double Alpha, double Beta, int Seed)
    {
        public override string ToString() => $"{DType} T {T}, ({M} x {K}) ({K} x {N}), a by {A}, b by {B}, c {(DestinationSideBySide ? "side by side" : "whole")}, alpha {Alpha}, beta {Beta}, seed {Seed}";
    }

    internal static Gen<Case> Cases() =>
        from dtype in Gen.Elements(ScalarType.Float64, ScalarType.Float32)
        from t in Gen.Choose(1, 6)
        from m in Gen.Choose(1, 9)
        from n in Gen.Choose(1, 9)
        from k in Gen.Choose(1, 9)
        from a in Gen.Elements(Layout.Rows, Layout.Columns, Layout.InsideWider)
        from b in Gen.Elements(Layout.Rows, Layout.Columns, Layout.InsideWider)
        from sideBySide in Gen.Elements(false, true)
        from alpha in Gen.Elements(1.0, -1.0, 0.5, 3.0)
        from beta in Gen.Elements(0.0, 1.0, -0.5)
        from seed in Gen.Choose(0, 1_000_000)
        select new Case(dtype, t, m, n, k, a, b, sideBySide, alpha, beta, seed);

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property TheDirectProduct_IsLibtorchsProduct_WrittenOnlyIntoItsDestination() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            using var scope = NewDisposeScope();
            using var rng = new Generator((ulong)c.Seed);
            var a = Operand(c.A, c.T, c.M, c.K, c.DType, rng);
            var b = Operand(c.B, c.T, c.K, c.N, c.DType, rng);
            var (destination, buffer) = Destination(c, rng);
            if (c.Beta == 0) destination.Fill_(double.NaN); // beta 0 must ignore the old values, NaN included
            var expected = Expected(a, b, destination, c.Alpha, c.Beta);
            var outside = Outside(c, buffer).clone();

            var done = BatchedGemm.TryMultiply(destination, a, b, c.Alpha, c.Beta);

            var error = Error(destination, expected);
            var tolerance = c.DType == ScalarType.Float64 ? 1e-12 : 1e-5;
            var untouched = Outside(c, buffer).equal(outside).all().item<bool>();
            return (done && error <= tolerance && untouched).Label($"{c}: done {done}, relative error {error:E2} (allowed {tolerance:E0}), outside untouched {untouched}");
        });

    /// <summary>Negative control of the comparison above: a product read with b's transpose is caught by the same judge.</summary>
    [Test]
    public void TheComparison_CatchesAProductOfTheWrongOperand()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(3);
        var a = randn([4, 5, 6], dtype: ScalarType.Float64, generator: rng);
        var b = randn([4, 6, 6], dtype: ScalarType.Float64, generator: rng);
        var c = zeros([4, 5, 6], dtype: ScalarType.Float64);
        BatchedGemm.TryMultiply(c, a, b, 1, 0).ShouldBeTrue();
        Error(c, Expected(a, b, zeros_like(c), 1, 0)).ShouldBeLessThanOrEqualTo(1e-12, "the right operand");
        Error(c, Expected(a, b.transpose(1, 2), zeros_like(c), 1, 0)).ShouldBeGreaterThan(0.1, "b's transpose must be told apart");
    }

    public sealed record Decline(string Name, Func<(Tensor C, Tensor A, Tensor B)> Build)
    {
        public override string ToString() => Name;
    }

    public static readonly Decline[] Declined =
    [
        new("mixed dtypes", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 3, 5], dtype: ScalarType.Float32), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("an integer dtype", () => (zeros([2, 3, 4], dtype: ScalarType.Int64), ones([2, 3, 5], dtype: ScalarType.Int64), ones([2, 5, 4], dtype: ScalarType.Int64))),
        new("the destination is an operand", () => { var x = ones([2, 4, 4], dtype: ScalarType.Float64); return (x, x, ones([2, 4, 4], dtype: ScalarType.Float64)); }),
        new("the destination overlaps an operand", () => { var x = ones([2, 4, 8], dtype: ScalarType.Float64); return (x.narrow(2, 0, 4), x.narrow(2, 4, 4), ones([2, 4, 4], dtype: ScalarType.Float64)); }),
        new("destination matrices that share memory", () => (zeros([1, 3, 4], dtype: ScalarType.Float64).expand(3, 3, 4), ones([3, 3, 5], dtype: ScalarType.Float64), ones([3, 5, 4], dtype: ScalarType.Float64))),
        new("an operand with no unit stride", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 3, 10], dtype: ScalarType.Float64).slice(2, 0, 10, 2), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("a transposed destination", () => (zeros([2, 4, 3], dtype: ScalarType.Float64).transpose(1, 2), ones([2, 3, 5], dtype: ScalarType.Float64), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("mismatched inner sizes", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 3, 5], dtype: ScalarType.Float64), ones([2, 6, 4], dtype: ScalarType.Float64))),
        new("only the second operand of rank 2", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 3, 5], dtype: ScalarType.Float64), ones([5, 4], dtype: ScalarType.Float64))),
        new("only the second operand with another batch count", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 3, 5], dtype: ScalarType.Float64), ones([3, 5, 4], dtype: ScalarType.Float64))),
        new("an operand whose rows repeat (row stride 0)", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 1, 5], dtype: ScalarType.Float64).expand(2, 3, 5), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("an operand whose columns repeat (column stride 0)", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([2, 3, 1], dtype: ScalarType.Float64).expand(2, 3, 5), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("an operand whose rows overlap (row stride 2, 5 columns)", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([30], dtype: ScalarType.Float64).as_strided([2, 3, 5], [15, 2, 1]), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("an operand whose columns overlap (column stride 2, 3 rows)", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), ones([30], dtype: ScalarType.Float64).as_strided([2, 3, 5], [15, 1, 2]), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("destination blocks side by side that share a column", () => (zeros([3, 2 * 4], dtype: ScalarType.Float64).as_strided([2, 3, 4], [3, 8, 1]), ones([2, 3, 5], dtype: ScalarType.Float64), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("destination matrices one after another that share an element", () => (zeros([2 * 3 * 4], dtype: ScalarType.Float64).as_strided([2, 3, 4], [11, 4, 1]), ones([2, 3, 5], dtype: ScalarType.Float64), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("destination blocks side by side whose last runs into the next row", () => (zeros([25], dtype: ScalarType.Float64).as_strided([2, 3, 4], [5, 8, 1]), ones([2, 3, 5], dtype: ScalarType.Float64), ones([2, 5, 4], dtype: ScalarType.Float64))),
        new("a destination that overlaps an operand by one element", () => { var x = zeros([1, 1, 7], dtype: ScalarType.Float64); return (x.narrow(2, 0, 4), ones([1, 1, 1], dtype: ScalarType.Float64), x.narrow(2, 3, 4)); }),
    ];

    public sealed record Accepted(string Name, Func<(Tensor C, Tensor A, Tensor B)> Build)
    {
        public override string ToString() => Name;
    }

    /// <summary>Layouts at the edge of what the checks allow, which are safe and must be taken.</summary>
    public static readonly Accepted[] Taken =
    [
        new("destination blocks side by side with no gap", () => (zeros([3, 2 * 4], dtype: ScalarType.Float64).view(3, 2, 4).permute(1, 0, 2), randn([2, 3, 5], dtype: ScalarType.Float64), randn([2, 5, 4], dtype: ScalarType.Float64))),
        new("destination matrices one after another with no gap", () => (zeros([2, 3, 4], dtype: ScalarType.Float64), randn([2, 3, 5], dtype: ScalarType.Float64), randn([2, 5, 4], dtype: ScalarType.Float64))),
        new("a destination that begins where an operand ends", () => { var x = zeros([1, 1, 8], dtype: ScalarType.Float64); x.narrow(2, 0, 4).copy_(randn([1, 1, 4], dtype: ScalarType.Float64)); return (x.narrow(2, 4, 4), ones([1, 1, 1], dtype: ScalarType.Float64), x.narrow(2, 0, 4)); }),
        new("a row read with an element stride of 2 (by columns)", () => (zeros([2, 1, 3], dtype: ScalarType.Float64), randn([2, 1, 10], dtype: ScalarType.Float64).slice(2, 0, 10, 2), randn([2, 5, 3], dtype: ScalarType.Float64))),
        new("a destination that ends where an operand begins", () => { var x = zeros([1, 1, 8], dtype: ScalarType.Float64); x.narrow(2, 4, 4).copy_(randn([1, 1, 4], dtype: ScalarType.Float64)); return (x.narrow(2, 0, 4), ones([1, 1, 1], dtype: ScalarType.Float64), x.narrow(2, 4, 4)); }),
        new("an operand read from a batch stride of 0 (one matrix for every trial)", () => (zeros([3, 2, 4], dtype: ScalarType.Float64), randn([1, 2, 5], dtype: ScalarType.Float64).expand(3, 2, 5), randn([3, 5, 4], dtype: ScalarType.Float64))),
        new("300 trials (pointer arrays on the heap)", () => (zeros([300, 2, 3], dtype: ScalarType.Float64), randn([300, 2, 4], dtype: ScalarType.Float64), randn([300, 4, 3], dtype: ScalarType.Float64))),
        new("single rows and columns", () => (zeros([2, 1, 1], dtype: ScalarType.Float64), randn([2, 1, 6], dtype: ScalarType.Float64), randn([2, 6, 1], dtype: ScalarType.Float64))),
        new("one matrix (rank 2, a trial alone)", () => (zeros([3, 4], dtype: ScalarType.Float64), randn([3, 5], dtype: ScalarType.Float64), randn([5, 4], dtype: ScalarType.Float64))),
        new("one matrix times a transposed view (rank 2)", () => (zeros([3, 4], dtype: ScalarType.Float64), randn([3, 5], dtype: ScalarType.Float64), randn([4, 5], dtype: ScalarType.Float64).t())),
        new("one float32 matrix (rank 2)", () => (zeros([3, 4], dtype: ScalarType.Float32), randn([3, 5], dtype: ScalarType.Float32), randn([5, 4], dtype: ScalarType.Float32))),
    ];

    [TestCaseSource(nameof(Taken))]
    public void SafeLayoutsAtTheEdgeOfTheChecks_AreTaken_AndComputeTheProduct(Accepted accepted)
    {
        using var scope = NewDisposeScope();
        var (c, a, b) = accepted.Build();
        var expected = Expected(a, b, c, 1, 0);
        BatchedGemm.TryMultiply(c, a, b, 1, 0).ShouldBeTrue($"{accepted}: must be taken");
        Error(c, expected).ShouldBeLessThanOrEqualTo(c.dtype == ScalarType.Float64 ? 1e-12 : 1e-5, accepted.ToString());
    }

    [Test]
    public void AnEmptyProduct_IsDone_AndWritesNothing()
    {
        using var scope = NewDisposeScope();
        var c = zeros([0, 3, 4], dtype: ScalarType.Float64);
        BatchedGemm.TryMultiply(c, ones([0, 3, 5], dtype: ScalarType.Float64), ones([0, 5, 4], dtype: ScalarType.Float64), 1, 0).ShouldBeTrue("no trials: nothing to do");
        var rows = zeros([2, 0, 4], dtype: ScalarType.Float64);
        BatchedGemm.TryMultiply(rows, ones([2, 0, 5], dtype: ScalarType.Float64), ones([2, 5, 4], dtype: ScalarType.Float64), 1, 0).ShouldBeTrue("no rows: nothing to do");
        var inner = ones([2, 3, 4], dtype: ScalarType.Float64).Times(7.0);
        BatchedGemm.TryMultiply(inner, ones([2, 3, 0], dtype: ScalarType.Float64), ones([2, 0, 4], dtype: ScalarType.Float64), 1, 0).ShouldBeFalse("an empty inner dimension still scales c: left to libtorch");
    }

    [TestCaseSource(nameof(Declined))]
    public void WhatCannotBeHandedToBlasAsItLies_IsDeclined_AndLeftUntouched(Decline decline)
    {
        using var scope = NewDisposeScope();
        var (c, a, b) = decline.Build();
        var before = c.clone();
        BatchedGemm.TryMultiply(c, a, b, 1, 0).ShouldBeFalse($"{decline}: must be declined");
        c.equal(before).all().item<bool>().ShouldBeTrue($"{decline}: the destination must be left as it was");
    }

    internal static Tensor Operand(Layout layout, int t, int rows, int cols, ScalarType dtype, Generator rng) => layout switch
    {
        Layout.Rows => randn([t, rows, cols], dtype: dtype, generator: rng),
        Layout.Columns => randn([t, cols, rows], dtype: dtype, generator: rng).transpose(1, 2),
        _ => randn([t, rows, cols + 3], dtype: dtype, generator: rng).narrow(2, 1, cols),
    };

    /// <summary>The destination, and the buffer it lies in: a whole (T, M, N) tensor, or T blocks side by side in a (M, T N + 2) matrix.</summary>
    internal static (Tensor Destination, Tensor Buffer) Destination(Case c, Generator rng)
    {
        if (!c.DestinationSideBySide)
        {
            var whole = randn([c.T, c.M, c.N], dtype: c.DType, generator: rng);
            return (whole, whole);
        }
        var wide = randn([c.M, c.T * c.N + 2], dtype: c.DType, generator: rng);
        return (wide.narrow(1, 1, c.T * c.N).view(c.M, c.T, c.N).permute(1, 0, 2), wide);
    }

    /// <summary>The buffer's elements outside the destination: its first and last columns when side by side, nothing otherwise.</summary>
    internal static Tensor Outside(Case c, Tensor buffer) =>
        c.DestinationSideBySide ? cat([buffer.narrow(1, 0, 1), buffer.narrow(1, buffer.shape[1] - 1, 1)], 1) : zeros(1, dtype: c.DType);

    /// <summary>alpha a b + beta c by libtorch's bmm, in float64 (c left out when beta is 0).</summary>
    internal static Tensor Expected(Tensor a, Tensor b, Tensor c, double alpha, double beta)
    {
        var product = a.to(ScalarType.Float64).matmul(b.to(ScalarType.Float64)).Times(alpha);
        return beta == 0 ? product : product.Plus(c.to(ScalarType.Float64).Times(beta));
    }

    /// <summary>max |actual - expected| over max(1, max |expected|).</summary>
    internal static double Error(Tensor actual, Tensor expected) =>
        actual.to(ScalarType.Float64).PlusScaled(expected, -1.0).abs().max().item<double>() / Math.Max(1.0, expected.abs().max().item<double>());
}
