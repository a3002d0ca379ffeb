using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.TestSupport;
using static TorchSharp.torch;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 8: on teacher-aware data, sum_j a_j sigma(w*_j^T x~) = 0 at every sample forces a = 0 when
/// no two w*_j are co-linear: the feature matrix has full column rank. Weights are generated as
/// distinct grid directions (constructed, not filtered), even with more nodes than d + 1. Negative
/// controls: a co-linear pair (w*_2 = 2 w*_1) and a linear activation with m = d + 2 nodes.
/// </summary>
[TestFixture]
public sealed class IndependenceTest
{
    static Arbitrary<(int D, double Bias, double[][] Directions, long Seed)> Teachers() =>
        Arb.From(
            from d in Gen.Choose(2, 4)
            from m in Gen.Choose(1, 5)
            from bias in Gen.Elements(-0.3, -0.1, 0.2)
            from dirs in ClaimGen.NonCoLinearDirections(d, m)
            from seed in Gen.Choose(1, 100_000)
            select (D: d, Bias: bias, Directions: dirs, Seed: (long)seed),
            c => c.Directions.Length > 1 ? [c with { Directions = c.Directions[..^1] }] : []);

    static RectifiedNetwork Build(int d, double bias, double[][] directions, Activation activation)
    {
        using var scope = NewDisposeScope();
        var m = directions.Length;
        var w1 = new double[d + 1, m];
        for (var j = 0; j < m; j++)
        {
            for (var i = 0; i < d; i++) w1[i, j] = directions[j][i];
            w1[d, j] = bias;
        }
        var w2 = ones(m + 1, 3, dtype: ScalarType.Float64);
        return new RectifiedNetwork([tensor(w1), w2], activation, "teacher");
    }

    [Conjecture(MaxTest = 40)]
    public Property DistinctReluNodes_AreLinearlyIndependentOnTeacherAwareData() =>
        Prop.ForAll(Teachers(), c =>
        {
            using var scope = NewDisposeScope();
            using var teacher = Build(c.D, c.Bias, c.Directions, Activation.Relu);
            using var data = TeacherAware.Inputs(teacher, 30 * c.Directions.Length, c.Seed);
            var outcome = IndependenceClaim.Judge(teacher, data.Inputs, Tolerances.IndependenceRelativeRank);
            TestContext.Out.WriteLine(outcome);
            TestContext.Out.WriteLine(outcome);
            return (outcome.Verdict == Verdict.Holds).Label($"d {c.D}, bias {c.Bias}, m {c.Directions.Length}, seed {c.Seed}: {outcome}")
                .Classify(c.Directions.Length > c.D + 1, "more nodes than d + 1");
        });

    [TestCase(3, 3, 101L)]
    [TestCase(4, 4, 102L)]
    public void CoLinearTeacherNodes_AreDependent(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        using var drawn = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 3), seed);
        using var teacher = ClaimBuilders.WithColinearNode(drawn, source: 0, target: 1, scale: 2.0);
        using var data = TeacherAware.Inputs(teacher, 30 * m, seed);
        var outcome = IndependenceClaim.Judge(teacher, data.Inputs, Tolerances.IndependenceRelativeRank);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    [TestCase(2, 103L)]
    [TestCase(3, 104L)]
    public void LinearNodes_BeyondDPlusOne_AreDependent(int d, long seed)
    {
        using var scope = NewDisposeScope();
        var directions = ClaimGen.GridDirections(d).Take(d + 2).ToArray();
        using var teacher = Build(d, -0.1, directions, Activation.Linear);
        using var data = TeacherAware.Inputs(teacher, 30 * (d + 2), seed);
        var outcome = IndependenceClaim.Judge(teacher, data.Inputs, Tolerances.IndependenceRelativeRank);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }
}
