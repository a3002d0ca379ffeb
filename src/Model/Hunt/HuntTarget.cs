using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace Verify.Model.Hunt;

/// <summary>A family of cases the hunt draws from and moves within: its space at each leak.</summary>
/// <param name="Name">The family's name (a <see cref="CaseFamily"/>'s).</param>
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

    /// <summary>The hunt's name of claim 1 at depth: its three- and four-layer families, under the paper's reading.</summary>
    public static string DeepClaim { get; } = LowestLayerSpecializationClaim.Info.Id + ".deep";

    /// <summary>The ids a hunt accepts: claims 1, 2 and 4 on two-layer cases, and claim 1 at depth (<see cref="DeepClaim"/>).</summary>
    public static IReadOnlyList<string> Claims { get; } = [.. TwoLayer.Select(c => c.Id), DeepClaim];

    /// <summary>The reading a claim is hunted under when none is given: the hyperplane reading where there are two, else the paper's.</summary>
    public static Reading DefaultReading(string claim) => claim == DeepClaim ? Reading.Paper : Reading.Hyperplane;

    /// <summary>
    /// The target of <paramref name="claim"/> under <paramref name="reading"/>. Two-layer claims: every family of
    /// <see cref="CaseFamily.All"/> and the claim's activations, judged by <see cref="TheoremChecks.JudgeTwoLayerCase"/>;
    /// claim 1 at depth: the families of <see cref="CaseFamily.Deep"/> at both activations, judged by
    /// <see cref="TheoremChecks.JudgeDeepCase"/> (the paper's reading only).
    /// </summary>
    public static HuntTarget For(string claim, Reading reading, TheoremCheckSettings? settings = null)
    {
        settings ??= new TheoremCheckSettings();
        if (claim == DeepClaim)
        {
            if (reading != Reading.Paper)
                throw new ArgumentException($"'{claim}' is judged under one reading, the paper's; hunt it with reading paper.", nameof(reading));
            var deepFamilies = CaseFamily.Deep.ToDictionary(f => f.Name);
            return new HuntTarget
            {
                Claim = claim, Reading = reading, Families = CaseFamily.Deep.Select(HuntFamily.Of).ToArray(), Leaks = TheoremChecks.Activations,
                Judge = (p, family) => HuntJudgement.Of(TheoremChecks.JudgeDeepCase(p, deepFamilies[family.Name], settings)),
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
