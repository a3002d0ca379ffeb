using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The direct path's one sum of squares (<see cref="SquareSum"/>) is the order its page defines, bit
/// for bit, whatever the processor: CI runs this fixture again with <c>DOTNET_EnableAVX512=0</c>, where
/// the eight lanes are two 256-bit halves or software. The measured loss and the step loss of the
/// residual pass both go through it, so they agree bit for bit.
/// </summary>
[TestFixture]
public sealed class SquareSumTest
{
    /// <summary>The definition, written out in scalars: lane j of each row's blocks, the tail, then the lanes pairwise.</summary>
    static double Defined(double[] values, int width)
    {
        var lanes = new double[8];
        var tail = 0.0;
        for (var row = 0; row + width <= values.Length; row += width)
        {
            var j = 0;
            for (; j + 8 <= width; j += 8)
                for (var lane = 0; lane < 8; lane++) lanes[lane] = Math.FusedMultiplyAdd(values[row + j + lane], values[row + j + lane], lanes[lane]);
            for (; j < width; j++) tail = Math.FusedMultiplyAdd(values[row + j], values[row + j], tail);
        }
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])) + tail;
    }

    /// <summary>Values whose squares span 24 orders of magnitude, so that another order of summation shows in the last bits.</summary>
    static double[] Spread(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 7))).ToArray();
    }

    static unsafe double Summed(double[] values, int width)
    {
        var sum = new SquareSum();
        fixed (double* p = values)
            for (var row = 0; row + width <= values.Length; row += width) sum.AddRow(p + row, width);
        return sum.Total;
    }

    [TestCase(1, 40)]
    [TestCase(7, 30)]
    [TestCase(8, 30)]
    [TestCase(10, 64)]
    [TestCase(50, 16)]
    [TestCase(100, 3)]
    public void TheSum_IsTheDefinedOrder_BitForBit(int width, int rows)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var values = Spread(width * rows, seed);
            Summed(values, width).ShouldBe(Defined(values, width), $"width {width}, {rows} rows, seed {seed} (Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated})");
        }
    }

    /// <summary>Negative control: the same comparison tells the defined order from a plain running sum of the same squares.</summary>
    [Test]
    public void APlainRunningSum_IsToldApart()
    {
        var differ = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var values = Spread(50 * 16, seed);
            var running = values.Aggregate(0.0, (s, v) => Math.FusedMultiplyAdd(v, v, s));
            if (running != Summed(values, 50)) differ++;
        }
        differ.ShouldBeGreaterThan(0, "a running sum must differ from the lane order on some of 20 draws; else this comparison cannot see the order");
    }

    /// <summary>
    /// The step loss the residual pass returns is, bit for bit, the measured loss of the same residuals
    /// (<see cref="HostMemory.HalfSumsOfSquares"/>): one sum of squares, not two.
    /// </summary>
    [TestCase(32, 16, 50)]
    [TestCase(5, 3, 7)]
    [TestCase(2, 100, 1)]
    public void TheStepLoss_IsTheMeasuredLossOfTheSameResiduals(int trials, int batch, int outputs)
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(31);
        if (HostMemory.Unavailable is { } why) Assert.Ignore($"No host pointers in this process: {why}");
        var y = randn([40, outputs], dtype: ScalarType.Float64, generator: rng).Times_(1e3);
        var rows = randint(0, 40, [1, trials * batch], generator: rng);
        var products = randn([trials, batch, outputs], dtype: ScalarType.Float64, generator: rng);
        var r = products.clone();
        var losses = new double[trials];
        HostMemory.ResidualsFromTargets_(r, y, rows, 0, Enumerable.Repeat(1.0, trials).ToArray(), losses).ShouldBeTrue();
        var measured = HostMemory.HalfSumsOfSquares(r, trials);
        measured.ShouldNotBeNull();
        losses.ShouldBe(measured, $"{trials} trials of ({batch} x {outputs}): step losses against the measured losses of the same residuals");
    }
}
