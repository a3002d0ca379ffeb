namespace Verify.Model.Training;

/// <summary>
/// The finisher's Levenberg–Marquardt settings (<see cref="Finisher"/>). A step solves
/// (J^T J + lambda diag(J^T J) + ridge I) delta = J^T r; an accepted step divides lambda by
/// <see cref="LambdaDecrease"/>, a rejected one multiplies it by <see cref="LambdaIncrease"/>.
/// </summary>
public sealed record FinishOptions
{
    /// <summary>Stop once max_x ||g_1(x)|| &lt;= this (<see cref="SgdTrainer.Measure"/>'s measure; with <see cref="EveryLayer"/>, every layer's).</summary>
    public double GradientTarget { get; init; } = 1e-6;

    /// <summary>
    /// Measure the per-sample signal of every layer, the output residual included (max_x max_l ||g_l(x)||), instead of the
    /// lowest layer's: in a deep student the lowest layer's signal can be small because the layers above attenuate it.
    /// </summary>
    public bool EveryLayer { get; init; }

    /// <summary>Trial steps allowed, accepted or rejected: each costs one solve and one measurement.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>The damping of the first step: small, so the first try is close to a Gauss–Newton step.</summary>
    public double InitialLambda { get; init; } = 1e-3;

    /// <summary>Lambda is divided by this after an accepted step (more Gauss–Newton).</summary>
    public double LambdaDecrease { get; init; } = 3;

    /// <summary>Lambda is multiplied by this after a rejected step (more gradient descent, shorter).</summary>
    public double LambdaIncrease { get; init; } = 10;

    /// <summary>Lambda never falls below this, so a rejection after a run of acceptances recovers in a few tries.</summary>
    public double MinLambda { get; init; } = 1e-12;

    /// <summary>
    /// A lambda above this means no step, however short, lowers the loss: the finisher has stalled.
    /// At 1e10 the step is a gradient step of relative length about 1e-10.
    /// </summary>
    public double MaxLambda { get; init; } = 1e10;

    /// <summary>
    /// The ridge, relative to the largest diagonal entry of J^T J: keeps the system positive definite
    /// where a column of J is zero (a node that no sample activates) or columns are dependent
    /// (an over-realized student has many directions that leave every output unchanged).
    /// </summary>
    public double Ridge { get; init; } = 1e-12;

    /// <summary>Throws one message naming the first out-of-range field.</summary>
    public void Validate()
    {
        if (!double.IsFinite(GradientTarget) || GradientTarget < 0)
            throw new ArgumentOutOfRangeException(nameof(GradientTarget), GradientTarget, $"{nameof(GradientTarget)} must be finite and >= 0; got {GradientTarget}.");
        if (MaxIterations < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, $"{nameof(MaxIterations)} must be >= 0; got {MaxIterations}.");
        Positive(InitialLambda, nameof(InitialLambda));
        AboveOne(LambdaDecrease, nameof(LambdaDecrease));
        AboveOne(LambdaIncrease, nameof(LambdaIncrease));
        Positive(MinLambda, nameof(MinLambda));
        Positive(MaxLambda, nameof(MaxLambda));
        if (MinLambda > InitialLambda || InitialLambda > MaxLambda)
            throw new ArgumentOutOfRangeException(nameof(InitialLambda), InitialLambda,
                $"{nameof(InitialLambda)} must lie in [{nameof(MinLambda)}, {nameof(MaxLambda)}] = [{MinLambda}, {MaxLambda}]; got {InitialLambda}.");
        if (!double.IsFinite(Ridge) || Ridge < 0)
            throw new ArgumentOutOfRangeException(nameof(Ridge), Ridge, $"{nameof(Ridge)} must be finite and >= 0; got {Ridge}.");
    }

    static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0; got {value}.");
    }

    static void AboveOne(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 1; got {value}.");
    }
}
