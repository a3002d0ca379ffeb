namespace Verify.Model.Training;

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
