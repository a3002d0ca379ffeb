using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The training step's per-trial losses read from the residuals' memory (<see cref="HostMemory.HalfSumsOfSquares"/>)
/// are 0.5 ||r_t||^2 of each trial's block, as libtorch computes them, and a tensor whose memory order is
/// not its element order is declined instead of summed in the wrong groups.
/// </summary>
[TestFixture]
public sealed class HostMemoryTest
{
    [TestCase(1, 16, 50)]
    [TestCase(32, 16, 50)]
    [TestCase(5, 3, 7)]
    public void TheSumsOfSquaresOfEachBlock_AreLibtorchs(int blocks, int rows, int cols)
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(11);
        var r = randn([blocks, rows, cols], dtype: ScalarType.Float64, generator: rng);
        RequireHostPointers();
        var direct = HostMemory.HalfSumsOfSquares(r, blocks);
        direct.ShouldNotBeNull($"{blocks} blocks of ({rows} x {cols}): a contiguous float64 tensor must be summed");
        Worst(direct, LibtorchHalfSquares(r)).ShouldBeLessThanOrEqualTo(1e-14, $"{blocks} blocks of ({rows} x {cols})");
    }

    [Test]
    public void AVector_IsOneBlock_AndImpossibleBlockCountsAreDeclined()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(13);
        RequireHostPointers();
        var v = randn([50], dtype: ScalarType.Float64, generator: rng);
        var one = HostMemory.HalfSumsOfSquares(v, 1);
        one.ShouldNotBeNull("a contiguous vector is one block");
        Worst(one, LibtorchHalfSquares(v.view(1, -1))).ShouldBeLessThanOrEqualTo(1e-14, "a vector of 50");
        HostMemory.HalfSumsOfSquares(v, 0).ShouldBeNull("zero blocks");
        HostMemory.HalfSumsOfSquares(v, -2).ShouldBeNull("a negative block count");
        HostMemory.HalfSumsOfSquares(v.sum(), 1).ShouldBeNull("a 0-dimensional tensor");
    }

    /// <summary>Host pointers exist wherever LibTorchSharp does (every platform TorchSharp ships); a test only skips where they do not, and says why.</summary>
    static void RequireHostPointers()
    {
        if (HostMemory.Unavailable is { } why) Assert.Ignore($"No host pointers in this process: {why}");
    }

    /// <summary>Negative control: for a transposed view, sums taken in memory order group the wrong elements (the same judge sees it), so the view is declined.</summary>
    [Test]
    public void ATransposedView_IsDeclined_BecauseMemoryOrderWouldGroupTheWrongElements()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(12);
        var stored = randn([4, 3, 5], dtype: ScalarType.Float64, generator: rng);
        var view = stored.permute(2, 1, 0); // (5, 3, 4): block t is column t of every stored block
        RequireHostPointers();
        var memoryOrder = HostMemory.HalfSumsOfSquares(stored.view(5, -1), 5); // what reading the view's memory in order would give
        memoryOrder.ShouldNotBeNull("the stored tensor is contiguous");
        Worst(memoryOrder, LibtorchHalfSquares(view)).ShouldBeGreaterThan(1e-3, "memory order must differ from the view's blocks");
        HostMemory.HalfSumsOfSquares(view, 5).ShouldBeNull("a non-contiguous view must be declined");
        HostMemory.HalfSumsOfSquares(stored.to(ScalarType.Float32), 4).ShouldBeNull("float32 is left to libtorch");
        HostMemory.HalfSumsOfSquares(stored, 7).ShouldBeNull("7 blocks do not divide 60 elements");
    }

    /// <summary>
    /// The shared-input step's residuals read straight from the targets' memory are, bit for bit,
    /// libtorch's (y - p) gathered by the same rows, with the same losses and the same scaling; the
    /// products and the rest of the targets are left alone.
    /// </summary>
    [TestCase(32, 16, 50, 3)]
    [TestCase(1, 16, 50, 1)]
    [TestCase(5, 3, 7, 4)]
    public void TheResidualsFromTheTargets_AreLibtorchsGatherSubtractAndScale(int trials, int batch, int outputs, int steps)
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(21);
        RequireHostPointers();
        const int n = 40;
        var y = randn([2 * n, outputs], dtype: ScalarType.Float64, generator: rng); // two datasets' targets, stacked
        var offsets = tensor(Enumerable.Range(0, trials).Select(p => (long)(p % 2 * n)).ToArray()).view(1, trials, 1);
        var rows = randint(0, n, [steps, trials, batch], generator: rng).Plus(offsets).view(steps, -1);
        var products = randn([trials, batch, outputs], dtype: ScalarType.Float64, generator: rng);
        var scales = Enumerable.Range(0, trials).Select(p => 0.01 * (p + 1) / batch).ToArray();
        var (yBefore, rowsBefore) = (y.clone(), rows.clone());
        for (var step = 0; step < steps; step++)
        {
            var r = products.clone();
            var losses = new double[trials];
            HostMemory.ResidualsFromTargets_(r, y, rows, step, scales, losses).ShouldBeTrue($"step {step}: contiguous float64 tensors must be taken");

            var expected = y.index_select(0, rows[step]).view(trials, batch, outputs) - products;
            var expectedLosses = LibtorchHalfSquares(expected);
            var scaled = expected * tensor(scales, dtype: ScalarType.Float64).view(-1, 1, 1);
            r.equal(scaled).all().item<bool>().ShouldBeTrue($"step {step}: residuals differ from libtorch's (y - p) * lr / B");
            Worst(losses, expectedLosses).ShouldBeLessThanOrEqualTo(1e-14, $"step {step}: losses");
        }
        y.equal(yBefore).all().item<bool>().ShouldBeTrue("the targets were written to");
        rows.equal(rowsBefore).all().item<bool>().ShouldBeTrue("the row table was written to");
    }

    /// <summary>Negative control: the residuals of another step's rows are caught by the same judge, and a row outside the targets is refused before anything is written.</summary>
    [Test]
    public void AnotherStepsRows_AreCaught_AndARowOutsideTheTargetsWritesNothing()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(22);
        RequireHostPointers();
        var y = randn([30, 4], dtype: ScalarType.Float64, generator: rng);
        var rows = randint(0, 30, [2, 3 * 5], generator: rng);
        var products = randn([3, 5, 4], dtype: ScalarType.Float64, generator: rng);
        double[] scales = [1, 1, 1];
        var r = products.clone();
        HostMemory.ResidualsFromTargets_(r, y, rows, 1, scales, new double[3]).ShouldBeTrue();
        var stepZero = y.index_select(0, rows[0]).view(3, 5, 4) - products;
        r.equal(stepZero).all().item<bool>().ShouldBeFalse("step 1's residuals must differ from step 0's");

        rows[1, 7] = tensor(30L);
        var untouched = products.clone();
        Should.Throw<IndexOutOfRangeException>(() => HostMemory.ResidualsFromTargets_(untouched, y, rows, 1, scales, new double[3]))
            .Message.ShouldContain("Row 30");
        untouched.equal(products).all().item<bool>().ShouldBeTrue("nothing may be written before the rows are checked");
    }

    [Test]
    public void LayoutsTheResidualsCannotRead_AreDeclined_AndLeftAsTheyWere()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(23);
        RequireHostPointers();
        var y = randn([30, 4], dtype: ScalarType.Float64, generator: rng);
        var rows = randint(0, 30, [2, 3 * 5], generator: rng);
        var products = randn([3, 5, 4], dtype: ScalarType.Float64, generator: rng);
        double[] scales = [1, 1, 1];
        void Declined(Tensor r, Tensor targets, Tensor table, long step, int count, string why)
        {
            var before = r.clone();
            HostMemory.ResidualsFromTargets_(r, targets, table, step, scales.Take(count).ToArray(), new double[count]).ShouldBeFalse(why);
            r.equal(before).all().item<bool>().ShouldBeTrue($"{why}: declined but written");
        }
        Declined(products.to(ScalarType.Float32), y.to(ScalarType.Float32), rows, 0, 3, "float32");
        Declined(products.permute(0, 2, 1).contiguous().permute(0, 2, 1), y, rows, 0, 3, "residuals not contiguous");
        Declined(products.clone(), y.t().contiguous().t(), rows, 0, 3, "targets not contiguous");
        Declined(products.clone(), y, rows.to(ScalarType.Int32), 0, 3, "int32 rows");
        Declined(products.clone(), y, rows, 2, 3, "a step past the table");
        Declined(products.clone(), y, rows, -1, 3, "a negative step");
        Declined(products.clone(), y.narrow(1, 0, 3).contiguous(), rows, 0, 3, "targets of another width");
        Declined(products.clone(), y, rows.narrow(1, 0, 10).contiguous(), 0, 3, "a table for fewer rows");
        Declined(products.clone(), y, rows, 0, 2, "scales for fewer trials");
        var shared = randn([3 * 5 * 4 + 30 * 4], dtype: ScalarType.Float64, generator: rng);
        Declined(shared.narrow(0, 0, 60).view(3, 5, 4), shared.narrow(0, 40, 120).view(30, 4), rows, 0, 3, "residuals overlapping the targets");
        Declined(shared.narrow(0, 100, 60).view(3, 5, 4), shared.narrow(0, 0, 120).view(30, 4), rows, 0, 3, "targets running into the residuals");
        Declined(products.clone(), y, rows.view(-1), 0, 3, "a row table of rank 1");
        Declined(products.clone(), y.view(30, 4, 1), rows, 0, 3, "targets of rank 3");
        var before = products.clone();
        var r = products.clone();
        HostMemory.ResidualsFromTargets_(r, y, rows, 0, scales, new double[2]).ShouldBeFalse("losses for fewer trials");
        r.equal(before).all().item<bool>().ShouldBeTrue("losses for fewer trials: declined but written");
        // Residuals that end where the targets begin share no element: taken.
        var adjacent = shared.narrow(0, 0, 60).view(3, 5, 4);
        var after = shared.narrow(0, 60, 120).view(30, 4);
        HostMemory.ResidualsFromTargets_(adjacent, after, rows, 0, scales, new double[3]).ShouldBeTrue("residuals ending where the targets begin must be taken");
    }

    /// <summary>The shared-input activation declines what it cannot read as it lies, leaving both tensors as they were, and takes adjacent ones.</summary>
    [Test]
    public void ActivationsItCannotRead_AreDeclined_AndLeftAsTheyWere()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(25);
        RequireHostPointers();
        var u = randn([4, 6], dtype: ScalarType.Float64, generator: rng);
        var copy = randn([4, 6], dtype: ScalarType.Float64, generator: rng);
        void Declined(Tensor input, Tensor into, string why)
        {
            var (inputBefore, intoBefore) = (input.clone(), into.clone());
            HostMemory.ActivateInto_(input, into, 0.0).ShouldBeFalse(why);
            input.equal(inputBefore).all().item<bool>().ShouldBeTrue($"{why}: declined but the input was written");
            into.equal(intoBefore).all().item<bool>().ShouldBeTrue($"{why}: declined but the copy was written");
        }
        Declined(u.clone(), copy.narrow(1, 0, 5), "another shape");
        Declined(u.clone(), copy.view(4, 6, 1), "another rank");
        Declined(u.clone().view(24), copy.clone().view(24), "rank 1");
        Declined(u.clone(), copy.to(ScalarType.Float32), "mixed dtypes");
        Declined(u.to(ScalarType.Float32), copy.to(ScalarType.Float32), "float32 (left to libtorch)");
        Declined(u.clone().t(), copy.clone().t(), "columns of stride 6 (a transposed view)");
        var buffer = randn([48], dtype: ScalarType.Float64, generator: rng);
        Declined(buffer.narrow(0, 0, 24).view(4, 6), buffer.narrow(0, 23, 24).view(4, 6), "a copy overlapping its input by one element");
        var (first, second) = (buffer.narrow(0, 0, 24).view(4, 6), buffer.narrow(0, 24, 24).view(4, 6));
        var expected = first.relu();
        HostMemory.ActivateInto_(first, second, 0.0).ShouldBeTrue("a copy that begins where the input ends must be taken");
        second.equal(expected).all().item<bool>().ShouldBeTrue("the adjacent copy holds the activation");

        // The in-place form (Activation.Apply_): the same refusals, and a block of a wider buffer taken in place.
        void DeclinedInPlace(Tensor input, string why)
        {
            var before = input.clone();
            HostMemory.Activate_(input, 0.1).ShouldBeFalse(why);
            input.equal(before).all().item<bool>().ShouldBeTrue($"{why}: declined but written");
        }
        DeclinedInPlace(u.clone().view(24), "rank 1");
        DeclinedInPlace(u.to(ScalarType.Float32), "float32 (left to libtorch)");
        DeclinedInPlace(u.clone().t(), "columns of stride 6 (a transposed view)");
        var wide = randn([4, 13], dtype: ScalarType.Float64, generator: rng);
        var (block, rest) = (wide.narrow(1, 0, 11), wide.narrow(1, 11, 2).clone());
        var leaky = block.LeakyRelu(0.1); // libtorch's leaky_relu, the slope passed through Scalars
        HostMemory.Activate_(block, 0.1).ShouldBeTrue("rows of 11 with stride 13 must be taken");
        block.equal(leaky).all().item<bool>().ShouldBeTrue("the block holds libtorch's leaky ReLU, bit for bit");
        wide.narrow(1, 11, 2).equal(rest).all().item<bool>().ShouldBeTrue("the columns beside the block were written");
    }

    /// <summary>
    /// The gather copies libtorch's index_select bit for bit, rows repeated and in any order; a row outside
    /// the source is refused before anything is written, and a layout it cannot copy as it lies is
    /// declined and left alone (the step then asks libtorch).
    /// </summary>
    [Test]
    public void TheGather_IsIndexSelect_AndRefusesWhatItCannotCopy()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(26);
        RequireHostPointers();
        var source = randn([50, 13], dtype: ScalarType.Float64, generator: rng);
        var rows = randint(0, 50, [40], generator: rng);
        var into = zeros([40, 13], dtype: ScalarType.Float64);
        HostMemory.GatherRows_(into, source, rows).ShouldBeTrue("contiguous float64 rows must be taken");
        into.equal(source.index_select(0, rows)).all().item<bool>().ShouldBeTrue("the gathered rows differ from index_select's");
        // Negative control by the same judge: another row table gives other rows.
        into.equal(source.index_select(0, rows.flip(0))).all().item<bool>().ShouldBeFalse("a reversed row table must give other rows");

        var untouched = zeros([3, 13], dtype: ScalarType.Float64);
        Should.Throw<IndexOutOfRangeException>(() => HostMemory.GatherRows_(untouched, source, tensor(new long[] { 1, 50, 2 })))
            .Message.ShouldContain("Row 50 was asked for; the source has 50 rows");
        untouched.count_nonzero().item<long>().ShouldBe(0L, "a refused gather wrote rows");
        void Declined(Tensor target, Tensor from, Tensor table, string why)
        {
            var before = target.clone();
            HostMemory.GatherRows_(target, from, table).ShouldBeFalse(why);
            target.equal(before).all().item<bool>().ShouldBeTrue($"{why}: declined but written");
        }
        var three = tensor(new long[] { 4, 0, 4 });
        Declined(zeros([3, 13], dtype: ScalarType.Float64), source.t().contiguous().t(), three, "a source by columns");
        Declined(zeros([3, 13], dtype: ScalarType.Float32), source.to(ScalarType.Float32), three, "float32 (left to libtorch)");
        Declined(zeros([3, 12], dtype: ScalarType.Float64), source, three, "rows of another width");
        Declined(zeros([13, 3], dtype: ScalarType.Float64).t(), source, three, "a destination by columns");
        Declined(zeros([3, 13], dtype: ScalarType.Float64), source, three.to(ScalarType.Int32), "an int32 row table");
    }

    /// <summary>The gate in one pass declines what it cannot read as it lies, leaving the signal as it was: the caller then asks libtorch.</summary>
    [Test]
    public void GatesItCannotRead_AreDeclined_AndLeftAsTheyWere()
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(24);
        RequireHostPointers();
        var s = randn([4, 6], dtype: ScalarType.Float64, generator: rng);
        var sigma = randn([4, 6], dtype: ScalarType.Float64, generator: rng).relu();
        void Declined(Tensor signal, Tensor gate, string why)
        {
            var before = signal.clone();
            HostMemory.Gate_(signal, gate, 1, 0).ShouldBeFalse(why);
            signal.equal(before).all().item<bool>().ShouldBeTrue($"{why}: declined but written");
        }
        Declined(s.clone(), sigma.to(ScalarType.Float32), "mixed dtypes");
        Declined(s.clone(), sigma.narrow(1, 0, 5), "another shape");
        Declined(s.clone().view(24), sigma.view(24), "rank 1");
        Declined(s.clone().t(), sigma.t(), "columns of stride 4 (a transposed view)");
        Declined(s.to(ScalarType.Int64), sigma.to(ScalarType.Int64), "int64");
        var buffer = randn([30], dtype: ScalarType.Float64, generator: rng);
        Declined(buffer.narrow(0, 0, 24).view(4, 6), buffer.narrow(0, 6, 24).view(4, 6), "a signal overlapping its gate");
        var wide = randn([48], dtype: ScalarType.Float64, generator: rng);
        Declined(wide.narrow(0, 0, 24).view(4, 6), wide.narrow(0, 23, 24).view(4, 6).relu_(), "a signal overlapping its gate by one element");
        var (adjacentSignal, adjacentGate) = (wide.narrow(0, 0, 24).view(4, 6), wide.narrow(0, 24, 24).view(4, 6).relu_());
        var gated = adjacentSignal * adjacentGate.Above(0.0);
        HostMemory.Gate_(adjacentSignal, adjacentGate, 1, 0).ShouldBeTrue("a gate that begins where the signal ends must be taken");
        adjacentSignal.equal(gated).all().item<bool>().ShouldBeTrue("the adjacent pair's gate");
        var signal = s.clone();
        HostMemory.Gate_(signal, sigma, 1, 0).ShouldBeTrue("a plain pair must be taken");
        signal.equal(s * sigma.Above(0.0)).all().item<bool>().ShouldBeTrue("the ReLU gate");
    }

    static double[] LibtorchHalfSquares(Tensor r)
    {
        using var flat = r.reshape(r.shape[0], -1);
        using var norms = flat.norm(1, false, 2.0f);
        return norms.data<double>().ToArray().Select(v => 0.5 * v * v).ToArray();
    }

    static double Worst(double[] actual, double[] expected) =>
        actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1e-300, Math.Abs(p.Second)));
}
