using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// "The first epoch at which teacher j is covered" (max_k rho_jk &gt; tau), computed in this one
/// place: the sweeps (<see cref="TwoLayerExperiment"/>) and the small-problem timelines
/// (<see cref="Record"/>) both observe their epochs through it.
/// </summary>
public sealed class FirstCoverage(int teachers, double tau)
{
    readonly int?[] first = new int?[teachers];

    /// <summary>Records epoch <paramref name="epoch"/>'s best correlation per teacher.</summary>
    public void Observe(int epoch, IReadOnlyList<double> bestPerTeacher)
    {
        if (bestPerTeacher.Count != first.Length) throw new ArgumentException($"Expected {first.Length} teachers; got {bestPerTeacher.Count}.", nameof(bestPerTeacher));
        for (var j = 0; j < first.Length; j++)
            if (first[j] is null && bestPerTeacher[j] > tau) first[j] = epoch;
    }

    /// <summary>Per teacher, the first covered epoch (null: never so far).</summary>
    public int?[] Epochs => first.ToArray();

    /// <summary>
    /// Trains <paramref name="student"/> and records, on <paramref name="analysisInputs"/>, when each
    /// teacher is first covered, which are covered after <paramref name="earlyEpoch"/> and which at the end.
    /// </summary>
    public static CoverageTimeline Record(RectifiedNetwork teacher, RectifiedNetwork student, Dataset train, Tensor analysisInputs,
        SgdOptions options, long batchSeed, double tau, int earlyEpoch, TimelineLabel label)
    {
        if (earlyEpoch < 1 || earlyEpoch > options.Epochs)
            throw new ArgumentOutOfRangeException(nameof(earlyEpoch), earlyEpoch, $"The early epoch must lie in 1..{options.Epochs}.");
        var coverage = new FirstCoverage(teacher.HiddenWidths[0], tau);
        var early = new bool[teacher.HiddenWidths[0]];
        var result = SgdTrainer.Train(student, train, options, batchSeed, epoch =>
        {
            var best = Specialization.Analyze(teacher, student, analysisInputs).BestCorrelationPerTeacher;
            coverage.Observe(epoch.Epoch, best);
            if (epoch.Epoch == earlyEpoch) early = best.Select(r => r > tau).ToArray();
        });
        var end = Specialization.Analyze(teacher, student, analysisInputs);
        if (result.EpochsRun < earlyEpoch) early = end.CoveredTeachers(tau); // stopped before the early epoch
        return new CoverageTimeline(label.Case, label.Series, label.Seed, label.Decay, label.Multi, coverage.Epochs, early, end.CoveredTeachers(tau),
            earlyEpoch, result.EpochsRun, end.TeacherFanOutNorms);
    }
}

/// <summary>What a recorded timeline is: its description, the series it belongs to (runs differing only in width), seed, decay p and multi.</summary>
public sealed record TimelineLabel(string Case, string Series, long Seed, double Decay, int Multi);
