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
