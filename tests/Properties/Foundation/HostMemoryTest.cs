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

    static double[] LibtorchHalfSquares(Tensor r)
    {
        using var flat = r.reshape(r.shape[0], -1);
        using var norms = flat.norm(1, false, 2.0f);
        return norms.data<double>().ToArray().Select(v => 0.5 * v * v).ToArray();
    }

    static double Worst(double[] actual, double[] expected) =>
        actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1e-300, Math.Abs(p.Second)));
}
