using Verify.Model.Claims;

namespace Verify.Model.Hunt;

/// <summary>A family of cases the hunt draws from and moves within: its space at each leak.</summary>
/// <param name="Name">The family's name (a <see cref="CaseFamily"/>'s, or "three-layer").</param>
/// <param name="Description">The space in words, for the report.</param>
/// <param name="Space">The space at a leak: the bounds a mutation stays within, and the distribution of a random draw.</param>
public sealed record HuntFamily(string Name, string Description, Func<double, SmallProblemSpace> Space)
{
    /// <summary>A family of the theorem checks, at the default run's size.</summary>
    public static HuntFamily Of(CaseFamily family) => new(family.Name, family.Description, leak => family.Space(leak, false));

    public override string ToString() => Name;
}

/// <summary>One judged case as the hunt keeps it: the verdict, its margin (<see cref="ClaimMargin"/>; NaN when inconclusive), why it is inconclusive, and the judge's sentence.</summary>
public sealed record HuntJudgement(Verdict Verdict, double Margin, string? Reason, string Evidence)
{
    public static HuntJudgement Of(ClaimOutcome outcome) => new(outcome.Verdict, ClaimMargin.Of(outcome), outcome.Reason, outcome.Evidence);
}

/// <summary>
/// What a hunt tries to break: a claim under one reading, the families and activations its cases are
/// drawn from, and the judge that trains a case to the claim's precondition and judges it.
/// </summary>
public sealed class HuntTarget
{
    /// <summary>The claim's id without activation, family or reading (e.g. lowest-layer-specialization).</summary>
    public required string Claim { get; init; }

    public required Reading Reading { get; init; }

    public required IReadOnlyList<HuntFamily> Families { get; init; }

    /// <summary>The activations searched over (0 = ReLU).</summary>
    public required IReadOnlyList<double> Leaks { get; init; }

    /// <summary>Trains the case as the claim's theorem check does and judges it; deterministic in the case.</summary>
    public required Func<SmallProblem, HuntFamily, HuntJudgement> Judge { get; init; }

    /// <summary>What the margin measures, in words.</summary>
    public string MarginDescription { get; init; } = ClaimMargin.Description;

    public HuntFamily Family(string name) =>
        Families.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"'{name}' is not a family of the hunt of {Claim}; its families: {string.Join(", ", Families)}.", nameof(name));

    public override string ToString() => $"{Claim} ({Reading.ToString().ToLowerInvariant()} reading)";
}

/// <summary>The claims `verify hunt` can hunt, each judged by the judge of the theorem checks.</summary>
public static class HuntTargets
{
    static readonly ClaimInfo[] TwoLayer = [LowestLayerSpecializationClaim.Info, CoreArgumentClaim.Info, VanishingClaim.Info];

    /// <summary>The ids a hunt accepts: claims 1, 2 and 4 on two-layer cases, and claim 1 on three-layer cases.</summary>
    public static IReadOnlyList<string> Claims { get; } = [.. TwoLayer.Select(c => c.Id), LowestLayerSpecializationClaim.ThreeLayer.Id];

    /// <summary>The reading a claim is hunted under when none is given: the hyperplane reading where there are two, else the paper's.</summary>
    public static Reading DefaultReading(string claim) => claim == LowestLayerSpecializationClaim.ThreeLayer.Id ? Reading.Paper : Reading.Hyperplane;

    /// <summary>
    /// The target of <paramref name="claim"/> under <paramref name="reading"/>. Two-layer claims: every family of
    /// <see cref="CaseFamily.All"/> and the claim's activations, judged by <see cref="TheoremChecks.JudgeTwoLayerCase"/>;
    /// the three-layer claim: its space at both activations, judged by <see cref="TheoremChecks.JudgeThreeLayer"/> (the
    /// paper's reading only).
    /// </summary>
    public static HuntTarget For(string claim, Reading reading, TheoremCheckSettings? settings = null)
    {
        settings ??= new TheoremCheckSettings();
        if (claim == LowestLayerSpecializationClaim.ThreeLayer.Id)
        {
            if (reading != Reading.Paper)
                throw new ArgumentException($"'{claim}' is judged under one reading, the paper's; hunt it with reading paper.", nameof(reading));
            var deep = new HuntFamily("three-layer", "three-layer teachers: d 3-5, widths [2-3, 2], multi 2-3, N 100 Gaussian points, full-batch GD", SmallProblemSpace.ThreeLayer);
            return new HuntTarget
            {
                Claim = claim, Reading = reading, Families = [deep], Leaks = TheoremChecks.Activations,
                Judge = (p, _) => HuntJudgement.Of(TheoremChecks.JudgeThreeLayer(p, settings)),
            };
        }
        var info = TwoLayer.FirstOrDefault(c => c.Id == claim)
            ?? throw new ArgumentException($"unknown claim '{claim}'; claims that can be hunted: {string.Join(", ", Claims)}.", nameof(claim));
        var families = CaseFamily.All.ToDictionary(f => f.Name);
        return new HuntTarget
        {
            Claim = claim, Reading = reading, Families = CaseFamily.All.Select(HuntFamily.Of).ToArray(), Leaks = TheoremChecks.LeaksOf(info),
            Judge = (p, family) =>
            {
                var caseFamily = families[family.Name];
                var id = TheoremChecks.ClaimOf(info, p.Leak, caseFamily, reading).Id;
                return HuntJudgement.Of(TheoremChecks.JudgeTwoLayerCase(p, caseFamily, settings).First(o => o.Claim.Id == id));
            },
        };
    }
}
