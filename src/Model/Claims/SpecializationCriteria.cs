namespace Verify.Model.Claims;

/// <summary>
/// When a student node counts as specialized to a teacher node: activation correlation rho_jk above
/// <see cref="Correlation"/> and cosine of the augmented weight vectors above <see cref="Cosine"/>.
/// The defaults are the paper's coverage threshold tau = 0.95 (success-rate figure) for both.
/// With <see cref="AllowMirror"/>, a student whose weight vector is a negative multiple of the
/// teacher's (cos &lt; -threshold: the same boundary hyperplane, facing the other way) also counts:
/// since sigma(u) = sigma(-u) + (1 + c) u, a mirrored node plus nodes that are affine on the data
/// reproduce the teacher node exactly, so finite data cannot tell the two apart. (The mirror's
/// activation correlates only about -0.5 with the teacher's, so no correlation test applies to it.)
/// </summary>
public sealed record SpecializationCriteria(double Correlation = 0.95, double Cosine = 0.95, bool AllowMirror = false)
{
    public static SpecializationCriteria Paper { get; } = new();

    /// <summary>The paper's thresholds, matching up to the mirror w_k = -c w*_j.</summary>
    public static SpecializationCriteria UpToMirror { get; } = new(AllowMirror: true);

    public void Validate()
    {
        if (!(Correlation is > -1 and < 1)) throw new ArgumentOutOfRangeException(nameof(Correlation), Correlation, $"Correlation threshold must lie in (-1, 1); got {Correlation}.");
        if (!(Cosine is > -1 and < 1)) throw new ArgumentOutOfRangeException(nameof(Cosine), Cosine, $"Cosine threshold must lie in (-1, 1); got {Cosine}.");
    }
}
