using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// "The first epoch at which teacher j is covered" (max_k rho_jk &gt; tau), and the training loss and
/// max_x ||g_1(x)|| of the student at that epoch, computed in this one place: the sweeps
/// (<see cref="TwoLayerExperiment"/>) and the small-problem timelines (<see cref="Record"/>) both
/// observe their epochs through it.
/// </summary>
public sealed class FirstCoverage(int teachers, double tau)
{
    readonly int?[] first = new int?[teachers];
    readonly double?[] gradient = new double?[teachers];
    readonly double?[] loss = new double?[teachers];

    /// <summary>
    /// Records epoch <paramref name="epoch"/>'s best correlation per teacher. <paramref name="measure"/>
    /// gives the student's training loss and max per-sample gradient after that epoch
    /// (<see cref="Measure"/>); it is called once, and only at an epoch where some teacher is covered
    /// for the first time.
    /// </summary>
    public void Observe(int epoch, IReadOnlyList<double> bestPerTeacher, Func<(double Loss, double MaxSampleGradient)> measure)
    {
        if (bestPerTeacher.Count != first.Length) throw new ArgumentException($"Expected {first.Length} teachers; got {bestPerTeacher.Count}.", nameof(bestPerTeacher));
        (double Loss, double MaxSampleGradient)? now = null;
        for (var j = 0; j < first.Length; j++)
        {
            if (first[j] is not null || !(bestPerTeacher[j] > tau)) continue;
            now ??= measure();
            first[j] = epoch;
            gradient[j] = now.Value.MaxSampleGradient;
            loss[j] = now.Value.Loss;
        }
    }

    /// <summary>Per teacher, the first covered epoch (null: never so far).</summary>
    public int?[] Epochs => first.ToArray();

    /// <summary>Per teacher, max_x ||g_1(x)|| on the training set at its first covered epoch (null: never so far).</summary>
    public double?[] GradientAtFirstCover => gradient.ToArray();

    /// <summary>Per teacher, the training loss on the paper's axis (<see cref="Analysis.Losses"/>) at its first covered epoch (null: never so far).</summary>
    public double?[] LossAtFirstCover => loss.ToArray();

    /// <summary>
    /// The training loss on the paper's axis (mean squared error over samples and outputs) and
    /// max_x ||g_1(x)|| of <paramref name="student"/> on <paramref name="train"/> after
    /// <paramref name="epoch"/>: the trainer's own measurement where it made one
    /// (<see cref="SgdOptions.MeasureEveryEpoch"/>, and always after the last epoch), otherwise
    /// <see cref="SgdTrainer.Measure"/> now, on the weights that epoch left.
    /// </summary>
    public static (double Loss, double MaxSampleGradient) Measure(EpochRecord epoch, RectifiedNetwork student, Dataset train)
    {
        var (objective, gradient) = epoch.Measured ? (epoch.TrainLoss, epoch.MaxSampleGradient) : SgdTrainer.Measure(student, train);
        return (Losses.FromObjective(objective, student.OutputDim), gradient);
    }

    /// <summary>
    /// Trains <paramref name="student"/> and records, on <paramref name="analysisInputs"/>, when each
    /// teacher is first covered (with the training loss and max per-sample gradient at that epoch),
    /// which are covered after <paramref name="earlyEpoch"/> and which at the end.
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
            coverage.Observe(epoch.Epoch, best, () => Measure(epoch, student, train));
            if (epoch.Epoch == earlyEpoch) early = best.Select(r => r > tau).ToArray();
        });
        var end = Specialization.Analyze(teacher, student, analysisInputs);
        if (result.EpochsRun < earlyEpoch) early = end.CoveredTeachers(tau); // stopped before the early epoch
        return new CoverageTimeline(label.Case, label.Series, label.Seed, label.Decay, label.Multi, coverage.Epochs, early, end.CoveredTeachers(tau),
            earlyEpoch, result.EpochsRun, end.TeacherFanOutNorms, coverage.GradientAtFirstCover, coverage.LossAtFirstCover, result.MaxSampleGradient);
    }
}
