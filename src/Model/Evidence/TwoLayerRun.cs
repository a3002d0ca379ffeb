using Verify.Model.Training;

namespace Verify.Model.Evidence;

/// <summary>
/// The numbers of one run: what `runs.jsonl` holds, one object per run. Teacher order is strength
/// order (teacher 1 has the largest fan-out for decay p &gt; 0). <see cref="GradAtFirstCover"/> and
/// <see cref="LossAtFirstCover"/> hold, per teacher, max_x ||g_1(x)|| on the training set and the
/// training loss on the paper's axis (as <see cref="TrainLoss"/>) at its <see cref="FirstCoveredEpoch"/>
/// (null: never covered); they are null for a run recorded without them.
/// </summary>
public sealed record TwoLayerRun(
    TwoLayerConfig Config,
    double TrainLoss,
    double EvalLoss,
    double[] BestCorrPerTeacher,
    int?[] FirstCoveredEpoch,
    double[] BestCorrPerTeacherEarly,
    double[] BestCorrPerStudent,
    double[] StudentFanoutNorm,
    double[] TeacherFanoutNorm,
    double MaxSampleGrad,
    double[] EvalLossPerEpoch,
    double[] CoveragePerEpoch,
    TrainingOutcome Outcome,
    double Seconds,
    long? DivergedAtStep = null,
    double? LastFiniteLoss = null,
    double?[]? GradAtFirstCover = null,
    double?[]? LossAtFirstCover = null)
{
    /// <summary>The trained pair's analysis record on the training inputs (claim 4 reads it); set by the experiment.</summary>
    public PairEvidence Analysis { get; init; } = null!;

    /// <summary>Teacher j covered at the end (eval set, tau of the config).</summary>
    public bool[] CoveredAtEnd => BestCorrPerTeacher.Select(r => r > Config.Tau).ToArray();

    /// <summary>Teacher j covered at the early epoch (eval set).</summary>
    public bool[] CoveredEarly => BestCorrPerTeacherEarly.Select(r => r > Config.Tau).ToArray();

    /// <summary>Epoch at which "early" coverage was read.</summary>
    public int EarlyEpoch => Math.Min(Config.EarlyEpoch, Config.Epochs);
}
