using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Analysis;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>The specialization metric: Pearson correlation of activations, mean-subtracted.</summary>
[TestFixture]
public sealed class CorrelationTest
{
    static Gen<(double[,] A, double Scale, double Shift)> Cases() =>
        from n in Gen.Choose(3, 30)
        from k in Gen.Choose(1, 4)
        from values in Gen.ArrayOf(Gen.Choose(-1000, 1000).Select(v => v / 100.0), n * k)
        from scale in Gen.Choose(1, 1000).Select(v => v / 50.0)
        from shift in Gen.Choose(-1000, 1000).Select(v => v / 10.0)
        select (ToMatrix(values, n, k), scale, shift);

    static double[,] ToMatrix(double[] values, int n, int k)
    {
        var m = new double[n, k];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < k; j++)
                m[i, j] = values[i * k + j] + (i == j ? 5 : 0);
        return m;
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property IsInvariantToPositiveScalingAndShift() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            using var scope = NewDisposeScope();
            var a = tensor(c.A);
            var b = a.Times(c.Scale).Plus_(c.Shift);
            var before = Correlation.Pearson(a, a);
            var after = Correlation.Pearson(a, b);
            var worst = 0.0;
            for (var i = 0; i < before.GetLength(0); i++)
                for (var j = 0; j < before.GetLength(1); j++)
                    worst = Math.Max(worst, Math.Abs(before[i, j] - after[i, j]));
            return (worst < 1e-9).Label($"max change {worst:E2} under x -> {c.Scale} x + {c.Shift}");
        });

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property IsOneForAnAlignedPair_AndMinusOneForAnOpposedPair() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            using var scope = NewDisposeScope();
            var a = tensor(c.A).narrow(1, 0, 1);
            var aligned = Correlation.Pearson(a, a.Times(c.Scale).Plus_(c.Shift))[0, 0];
            var opposed = Correlation.Pearson(a, a.Times(-c.Scale).Plus_(c.Shift))[0, 0];
            return (Math.Abs(aligned - 1) < 1e-9 && Math.Abs(opposed + 1) < 1e-9).Label($"aligned {aligned}, opposed {opposed}");
        });

    [Test]
    public void IsFarFromOne_ForUnrelatedColumns_AndZeroForADeadNode()
    {
        using var scope = NewDisposeScope();
        var rng = new Generator(7);
        var a = randn([5000, 1], dtype: ScalarType.Float64, generator: rng);
        var b = randn([5000, 1], dtype: ScalarType.Float64, generator: rng);
        Math.Abs(Correlation.Pearson(a, b)[0, 0]).ShouldBeLessThan(0.1, "independent Gaussian columns");
        Correlation.Pearson(a, zeros([5000, 1], dtype: ScalarType.Float64))[0, 0].ShouldBe(0.0, "a constant (dead) node");
    }
}
