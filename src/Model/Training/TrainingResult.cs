namespace Verify.Model.Training;

/// <summary>How a training run ended. Each has a distinct meaning for a claim's verdict.</summary>
public enum TrainingOutcome
{
    /// <summary>max_x ||g_1(x)|| reached the target: the theorem's precondition holds.</summary>
    ReachedGradientTarget,

    /// <summary>The step budget ran out first (with a target, the claim is inconclusive).</summary>
    BudgetExhausted,

    /// <summary>The loss became NaN or infinite; the run stopped at once.</summary>
    Diverged,
}

/// <summary>
/// Numbers measured at the end of one epoch. With <see cref="SgdOptions.MeasureEveryEpoch"/> false,
/// the epochs before the last are not measured: their records (passed to the epoch callback, never
/// kept in the history) have <see cref="Measured"/> false and NaN loss and gradient.
/// </summary>
public sealed record EpochRecord(int Epoch, long Steps, double LearningRate, double TrainLoss, double MaxSampleGradient, bool Measured = true);

/// <summary>The end of a training run, in plain numbers.</summary>
public sealed record TrainingResult(
    TrainingOutcome Outcome,
    long Steps,
    int EpochsRun,
    double FinalTrainLoss,
    double MaxSampleGradient,
    IReadOnlyList<EpochRecord> History,
    double? LastFiniteLoss = null,
    long? DivergedAtStep = null)
{
    public bool Diverged => Outcome == TrainingOutcome.Diverged;

    /// <summary>
    /// A student's own state, measured without training: <paramref name="loss"/> and <paramref name="maxSampleGradient"/>
    /// (<see cref="SgdTrainer.Measure"/>) against <paramref name="target"/>. A perturbed student (a control) is judged on
    /// this, never on the training result of the student it was made from.
    /// </summary>
    public static TrainingResult Remeasured(double loss, double maxSampleGradient, double target) =>
        new(maxSampleGradient <= target ? TrainingOutcome.ReachedGradientTarget : TrainingOutcome.BudgetExhausted, 0, 0, loss, maxSampleGradient, []);

    public override string ToString() => Outcome switch
    {
        TrainingOutcome.Diverged => $"diverged at step {DivergedAtStep} (last finite loss {LastFiniteLoss:G6})",
        _ => $"{Outcome} after {Steps} steps ({EpochsRun} epochs): loss {FinalTrainLoss:G6}, max per-sample gradient {MaxSampleGradient:G6}",
    };
}
