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

    /// <summary>Trains <paramref name="student"/> and records when each teacher is first covered on <paramref name="analysisInputs"/>.</summary>
    public static CoverageTimeline Record(RectifiedNetwork teacher, RectifiedNetwork student, Dataset train, Tensor analysisInputs,
        SgdOptions options, long batchSeed, double tau, string description)
    {
        var coverage = new FirstCoverage(teacher.HiddenWidths[0], tau);
        var result = SgdTrainer.Train(student, train, options, batchSeed,
            epoch => coverage.Observe(epoch.Epoch, Specialization.Analyze(teacher, student, analysisInputs).BestCorrelationPerTeacher));
        var norms = Specialization.Analyze(teacher, student, analysisInputs).TeacherFanOutNorms;
        return new CoverageTimeline(description, coverage.Epochs, norms, result.EpochsRun);
    }
}
