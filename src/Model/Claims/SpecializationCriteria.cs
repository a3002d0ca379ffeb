using Verify.Model.Evidence;
using Verify.Model.Protocols;

namespace Verify.Model.Claims;

/// <summary>
/// When a student node counts as specialized to a teacher node: activation correlation rho_jk above
/// <see cref="Correlation"/> and cosine of the augmented weight vectors above <see cref="Cosine"/>.
/// The defaults are the paper's coverage threshold tau = 0.95 (success-rate figure) for both.
/// With <see cref="AllowMirror"/>, a student whose weight vector is a negative multiple of the
/// teacher's (cos &lt; -0.95: the same boundary hyperplane, facing the other way) also counts, but
/// only when the mirror is verified (<see cref="MirrorCheck"/>).
/// </summary>
public sealed record SpecializationCriteria(double Correlation = Rules.Tau, double Cosine = Rules.AlignedCosine, bool AllowMirror = false)
{
    /// <summary>The paper's reading: one student node with rho and cos above tau.</summary>
    public static SpecializationCriteria Paper { get; } = new();

    /// <summary>The hyperplane reading: the paper's thresholds, matching up to a verified mirror w_k = -s w*_j.</summary>
    public static SpecializationCriteria Hyperplane { get; } = new(AllowMirror: true);

    public void Validate()
    {
        if (!(Correlation is > -1 and < 1)) throw new ArgumentOutOfRangeException(nameof(Correlation), Correlation, $"Correlation threshold must lie in (-1, 1); got {Correlation}.");
        if (!(Cosine is > -1 and < 1)) throw new ArgumentOutOfRangeException(nameof(Cosine), Cosine, $"Cosine threshold must lie in (-1, 1); got {Cosine}.");
    }
}

/// <summary>
/// When a mirrored node (cos(w*_j, w_k) &lt; -0.95) may stand in for teacher j; one rule for claims 1, 2
/// and 4. Since sigma(u) = sigma(-u) + (1 + c) u, the mirror equals the teacher-oriented node plus a
/// linear term, which a two-layer net can only cancel with nodes that are affine on the data. The
/// mirror is verified when (1) it carries fan-out above the vanishing level (a node with no fan-out
/// stands in for nothing), (2) its rewritten activation sigma(-w_k^T x~) correlates above tau with
/// teacher j's, and (3) the combined map of every mirror's linear term and every affine-on-data node
/// is constant on the data within <see cref="MaxResidue"/> of the teacher's output spread: the student
/// with its mirrors rewritten in the teacher's orientation (affine-on-data nodes dropped, output
/// bias adjusted) computes the same outputs on the data.
/// </summary>
public static class MirrorCheck
{
    /// <summary>The vanishing level of claim 4 (||v|| at or below it counts as no fan-out).</summary>
    public const double MinFanOut = TheoremCheckSettings.DefaultVanishedFanOut;

    /// <summary>
    /// Largest residue (centred RMS of the compensation map / centred RMS of the teacher's outputs):
    /// 1%. At the small problems' gradient target the loss is about 1e-7 against an output spread of
    /// order 1, so a compensation that works leaves a residue of order 1e-3 or below (measured on the
    /// pinned mirror cases, see docs/theorems/01); a mirror whose linear term is not cancelled leaves
    /// one of order ||v_k|| ||w_k||, i.e. 0.1 or more.
    /// </summary>
    public const double MaxResidue = Analysis.Compensation.MaxResidue;

    /// <summary>Teacher j's verified mirrors among the student nodes (empty without a compensation report).</summary>
    public static int[] VerifiedMirrors(PairEvidence e, int teacher, double tau) =>
        e.Compensation is not { } c || !(c.Residue <= MaxResidue) ? []
            : Enumerable.Range(0, e.Report.Students)
                .Where(k => c.MirroredTeacher[k] == teacher && e.Report.StudentFanOutNorms[k] > MinFanOut && c.MirrorCorrelation[k] > tau).ToArray();

    /// <summary>Mirror candidates (cos &lt; -0.95) that are not verified, in words, for the evidence sentence.</summary>
    public static string Describe(PairEvidence e, double tau)
    {
        if (e.Compensation is not { } c || c.Mirrors == 0) return "no mirrored node";
        var parts = Enumerable.Range(0, e.Report.Students).Where(k => c.MirroredTeacher[k] >= 0).Select(k => FormattableString.Invariant($"node {k} mirrors teacher {c.MirroredTeacher[k]} (||v|| {e.Report.StudentFanOutNorms[k]:0.###}, rewritten rho {c.MirrorCorrelation[k]:0.####}{(VerifiedMirrors(e, c.MirroredTeacher[k], tau).Contains(k) ? ", verified" : ", not verified")})"));
        return string.Join("; ", parts) + FormattableString.Invariant($"; compensation residue {c.Residue:G3} (at most {MaxResidue})");
    }
}
