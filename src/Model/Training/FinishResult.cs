namespace Verify.Model.Training;

/// <summary>Why the finisher stopped.</summary>
public enum FinishStop
{
    /// <summary>max_x ||g_1(x)|| reached the target.</summary>
    ReachedTarget,

    /// <summary>The trial steps ran out first.</summary>
    IterationsExhausted,

    /// <summary>Lambda passed its maximum: no step, however short, lowered the loss.</summary>
    Stalled,

    /// <summary>The student's loss, gradient or Jacobian was not finite where the finisher started or stood; it was left as it was.</summary>
    NonFinite,
}

/// <summary>The training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| at one point (<see cref="SgdTrainer.Measure"/>).</summary>
public sealed record LossAndGradient(double Loss, double MaxSampleGradient)
{
    public override string ToString() => $"loss {Loss:G4}, max per-sample gradient {MaxSampleGradient:G4}";
}

/// <summary>
/// The end of one finish (<see cref="Finisher.Finish"/>), in plain numbers.
/// </summary>
/// <param name="Before">Loss and max per-sample gradient as the student came in.</param>
/// <param name="After">The same as it leaves (the last accepted weights).</param>
/// <param name="Iterations">Trial steps taken, accepted or rejected.</param>
/// <param name="AcceptedSteps">Trial steps that lowered the loss and were kept.</param>
/// <param name="NonFiniteCandidates">Trial steps whose loss or gradient was not finite: rejected, the weights restored.</param>
/// <param name="FinalLambda">The damping when the finisher stopped.</param>
/// <param name="ParameterDistance">||theta_after - theta_before||, over every weight and bias.</param>
/// <param name="RelativeDistance"><paramref name="ParameterDistance"/> / ||theta_before|| (infinite from all-zero weights that moved).</param>
/// <param name="Reached">After's gradient is at or below the target.</param>
/// <param name="Stop">Why it stopped.</param>
/// <param name="StopReason">The same, in words and numbers.</param>
/// <param name="Training">
/// The whole run as the judges read it: the earlier training's steps plus <paramref name="Iterations"/>,
/// After's loss and gradient, the earlier history; outcome <see cref="TrainingOutcome.ReachedGradientTarget"/>
/// when <paramref name="Reached"/>, <see cref="TrainingOutcome.Diverged"/> when the student came in
/// non-finite, else <see cref="TrainingOutcome.BudgetExhausted"/>.
/// </param>
public sealed record FinishResult(
    LossAndGradient Before,
    LossAndGradient After,
    int Iterations,
    int AcceptedSteps,
    int NonFiniteCandidates,
    double FinalLambda,
    double ParameterDistance,
    double RelativeDistance,
    bool Reached,
    FinishStop Stop,
    string StopReason,
    TrainingResult Training)
{
    public override string ToString() =>
        $"{StopReason}: {Before} -> {After} in {Iterations} trial steps ({AcceptedSteps} accepted), moved {ParameterDistance:G3} ({RelativeDistance:P2} of the weights)";
}
