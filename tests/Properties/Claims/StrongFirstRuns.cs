using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// The small problems of claim 5, trained once per test process and read by both of its judges
/// (<see cref="StrongTeachersFirstClaim"/>, the epoch reading, and
/// <see cref="StrongTeachersFirstByGradientClaim"/>, the gradient reading).
/// Setting: d 4, m 3, decay p = 2 (fan-out norms in ratio 1 : 1/4 : 1/9), multi 2, N 200, 120 epochs
/// of 50 full-batch steps, measured (loss, max_x ||g_1(x)||) after every epoch; the early reading at
/// epoch 6, 5% of the budget as epoch 5 of 100 is in the paper's figure. 16 case seeds
/// <c>Seeds.Of(70, "strong-first", k)</c>, each its own teacher, data and student (timeline seed k);
/// the bootstraps' seeds are named from 70. Negative control: the same cases with the teacher's
/// fan-out rows rescaled to one norm (teacher order then carries no strength).
/// </summary>
static class StrongFirstRuns
{
    public const int Seeds = 16;
    public const int Epochs = 120;
    public const int EarlyEpoch = 6;
    public const long FixtureSeed = 70;

    /// <summary>The cases with the teacher drawn at p = 2.</summary>
    public static CoverageTimeline[] Decaying => DecayingRuns.Value;

    /// <summary>The same cases with every fan-out row at the norm of the first.</summary>
    public static CoverageTimeline[] EqualStrength => EqualStrengthRuns.Value;

    static readonly Lazy<CoverageTimeline[]> DecayingRuns = new(() => Runs(equalStrength: false));
    static readonly Lazy<CoverageTimeline[]> EqualStrengthRuns = new(() => Runs(equalStrength: true));

    static CoverageTimeline[] Runs(bool equalStrength) => TrialRunner.RunAll(Enumerable.Range(0, Seeds).ToArray(), k =>
    {
        using var scope = NewDisposeScope();
        var seed = Verify.Model.Runtime.Seeds.Of(FixtureSeed, "strong-first", k);
        var streams = CaseStreams.Named(seed);
        using var drawn = Teacher.Build(TeacherSpec.TwoLayer(4, 3, decay: 2, outputs: 5), streams.Teacher);
        using var equal = equalStrength ? WithEqualFanOutNorms(drawn) : null;
        var teacher = equal ?? drawn;
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var label = new TimelineLabel($"case seed {seed}", $"case seed {seed}", k, 2, 2);
        return FirstCoverage.Record(teacher, student, data, data.Inputs, ClaimBuilders.FullBatch(epochs: Epochs, target: null, itersPerEpoch: 50),
            streams.Batches, Tolerances.SpecializationCorrelation, EarlyEpoch, label);
    });

    /// <summary>A copy of a two-layer teacher whose fan-out rows all have the norm of the first (strongest) row.</summary>
    static RectifiedNetwork WithEqualFanOutNorms(RectifiedNetwork teacher)
    {
        using var scope = NewDisposeScope();
        var weights = teacher.Weights.Select(w => w.detach().clone()).ToArray();
        var m = teacher.HiddenWidths[0];
        var first = weights[1][0].norm().item<double>();
        for (var j = 1; j < m; j++)
        {
            var row = weights[1][j];
            row.Times_(first / row.norm().item<double>());
        }
        return new RectifiedNetwork(weights, teacher.Activation, "teacher with equal fan-out norms");
    }
}
