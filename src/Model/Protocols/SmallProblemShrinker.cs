namespace Verify.Model.Protocols;

/// <summary>
/// The one rule by which a failing small problem shrinks: the FsCheck shrinker of the property tests
/// (<c>ClaimGen.ShrinkProblem</c>) and the hunt's shrinking (<see cref="Hunt.HuntShrink"/>) both propose
/// these candidates, in this order, and keep a candidate only while its judge still says it fails.
/// </summary>
public static class SmallProblemShrinker
{
    /// <summary>Samples are halved while above this.</summary>
    public const int MinSamples = 25;

    /// <summary>
    /// One step smaller: lower d, narrower lowest layer, fewer layers, smaller multi (down to 2, keeping
    /// the student over-realized), half the samples (while above <see cref="MinSamples"/>), no strength decay.
    /// The activation, the data kind and the batch are kept: they name the claim's variant and family.
    /// </summary>
    public static IEnumerable<SmallProblem> Candidates(SmallProblem p)
    {
        if (p.D > 2) yield return p with { D = p.D - 1 };
        if (p.Widths[0] > 1) yield return p with { Widths = [p.Widths[0] - 1, .. p.Widths[1..]] };
        if (p.Depth > 1) yield return p with { Widths = p.Widths[..^1] };
        if (p.Multi > 2) yield return p with { Multi = p.Multi - 1 };
        if (p.Samples > MinSamples) yield return p with { Samples = p.Samples / 2 };
        if (p.Decay != 0) yield return p with { Decay = 0 };
    }
}
