using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Protocols;

/// <summary>
/// The paper's theorems checked on small problems drawn afresh from a run seed: lowest-layer
/// specialization (claim 1, ReLU and leaky, two layers; at depth, three layers and in the Nightly tier four), the core
/// argument (claim 2), un-specialized students vanish (claim 4, leaky) and independence of distinct
/// ReLUs (claim 8); claim 3 is a scaling law measured by <see cref="Experiments.SampleScaling"/>.
/// Claims 1, 2 and 4 are judged under two readings (<see cref="Reading"/>), each on every family of
/// cases (<see cref="CaseFamily"/>): one claim per claim, activation, family and reading, with
/// its own counts and failure-rate bound. Each two-layer case is trained once and judged by every
/// claim that reads it; cases of a family are drawn until every claim has <see cref="TheoremCheckSettings.MinConclusive"/>
/// conclusive ones (or <see cref="TheoremCheckSettings.MaxCases"/> were drawn). The report and the
/// property tests call this, with the same judges.
/// </summary>
public static class TheoremChecks
{
    static readonly double[] Leaks = [0, 0.1];

    /// <summary>The claims judged under two readings, with the activations each is judged at.</summary>
    static readonly (ClaimInfo Claim, double[] Leaks)[] ReadClaims =
    [
        (LowestLayerSpecializationClaim.Info, Leaks),
        (CoreArgumentClaim.Info, Leaks),
        (VanishingClaim.Info, [0.1]),
    ];

    static string ActivationName(double leak) => leak == 0 ? "relu" : "leaky";

    /// <summary>The leaks of the drawn cases: 0 (ReLU) and 0.1 (leaky ReLU).</summary>
    public static IReadOnlyList<double> Activations => Leaks;

    /// <summary>The leaks <paramref name="claim"/> (claim 1, 2 or 4, by its base id) is judged at on drawn two-layer cases.</summary>
    public static IReadOnlyList<double> LeaksOf(ClaimInfo claim) =>
        ReadClaims.Where(c => c.Claim.Id == claim.Id).Select(c => c.Leaks).FirstOrDefault()
        ?? throw new ArgumentException($"'{claim.Id}' is not judged on drawn two-layer cases; these are: {string.Join(", ", ReadClaims.Select(c => c.Claim.Id))}.", nameof(claim));

    /// <summary>
    /// The claim <paramref name="claim"/> at one activation, family and reading: id
    /// "{claim}.{activation}.{family}.{reading}", e.g. lowest-layer-specialization.relu.base.paper.
    /// </summary>
    public static ClaimInfo ClaimOf(ClaimInfo claim, double leak, CaseFamily family, Reading reading) =>
        claim with
        {
            Id = $"{claim.Id}.{ActivationName(leak)}.{family.Name}.{reading.ToString().ToLowerInvariant()}",
            Statement = $"{claim.Statement}; {family.DepthName}, {(leak == 0 ? "ReLU" : $"leaky ReLU {leak}")}; {family.Name} family ({family.Description}); " +
                        (reading == Reading.Paper ? "the paper's reading (a node with rho > tau and w_k = c w*_j, c > 0; un-specialized: ~0 fan-out)"
                            : "the hyperplane reading (the paper's, up to a verified mirror w_k = -c w*_j and verified affine groups)"),
            Reading = reading,
            Family = family.Name,
        };

    /// <summary>
    /// Claim 1 at depth, per deep family and activation, in the catalog's order: judged under the paper's reading only. The hyperplane
    /// reading adds verified mirrors, and the mirror check (a mirror's linear term cancelled by nodes affine on the data) is built for
    /// two layers; on a deep pair it would verify nothing and repeat the paper's verdict.
    /// </summary>
    public static IReadOnlyList<ClaimInfo> DeepClaims { get; } =
        (from family in CaseFamily.Deep
         from leak in Leaks
         select ClaimOf(LowestLayerSpecializationClaim.Info, leak, family, Reading.Paper)).ToArray();

    /// <summary>Every claim the theorem checks judge on drawn two-layer cases, in the catalog's order.</summary>
    public static IReadOnlyList<ClaimInfo> TwoLayerClaims { get; } =
        (from family in CaseFamily.All
         from c in ReadClaims
         from leak in c.Leaks
         from reading in new[] { Reading.Hyperplane, Reading.Paper }
         select ClaimOf(c.Claim, leak, family, reading)).ToArray();

    /// <summary>Runs every check on up to <paramref name="workers"/> cores; one outcome per claim, in a fixed order.</summary>
    public static TheoremCheckResult Run(long runSeed, TheoremCheckSettings? settings = null, int? workers = null, Action<int, int>? onProgress = null)
    {
        settings ??= new TheoremCheckSettings();
        if (settings.MinConclusive < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.MinConclusive, "Theorem checks need at least one conclusive case.");
        var cases = new Dictionary<string, IReadOnlyList<CaseVerdict>>();
        var outcomes = new List<ClaimOutcome>();
        var progress = new ProgressCounter(onProgress);

        void Add(ClaimInfo claim, IEnumerable<CaseVerdict> verdicts, Func<ClaimInfo, IReadOnlyList<ClaimOutcome>, ClaimOutcome> summarize)
        {
            var list = verdicts.ToArray();
            cases[claim.Id] = list;
            outcomes.Add(summarize(claim, list.Select(v => v.Outcome).ToArray()));
        }
        ClaimOutcome Universal(ClaimInfo claim, IReadOnlyList<ClaimOutcome> list) => CaseTally.Summarize(claim, list, settings.MinConclusive, runSeed);

        var judged = new Dictionary<(string Family, double Leak), List<Judged>>();
        foreach (var family in settings.Families)
            foreach (var leak in Leaks)
                judged[(family.Name, leak)] = DrawUntilConclusive(
                    indices =>
                    {
                        var space = family.Space(leak, settings.Wide);
                        var problems = indices.Select(i => space.Draw(runSeed, Stream(family, leak), i)).ToArray();
                        return TrialRunner.RunAll(problems, p => JudgeTwoLayer(p, family, settings), workers, progress.Add(problems.Length));
                    },
                    list => Enough(list.Select(j => j.Verdicts).ToArray(), leak, family, settings.MinConclusive),
                    settings.MinConclusive, settings.MaxCases);

        foreach (var claim in TwoLayerClaims.Where(c => settings.Families.Any(f => f.Name == c.Family)))
        {
            var leak = LeakOf(claim);
            Add(claim, judged[(claim.Family!, leak)].Select(j => new CaseVerdict(j.Problem, j[claim.Id])), Universal);
        }
        if (judged.TryGetValue((CaseFamily.Base.Name, 0), out var baseRelu))
            Add(IndependenceClaim.Info, baseRelu.Select(j => new CaseVerdict(j.Problem, j[IndependenceClaim.Info.Id])), Universal);

        foreach (var claim in DeepClaims)
        {
            var family = CaseFamily.Deep.First(f => f.Name == claim.Family);
            var leak = LeakOf(claim);
            if (!settings.DeepFamilies.Contains(family))
            {
                cases[claim.Id] = [];
                outcomes.Add(Outcome.NotJudged(claim, $"not drawn in this run: the {family.Name} family is judged in the Nightly tier") with { RunSeed = runSeed });
                continue;
            }
            var space = family.Space(leak, settings.Wide);
            var deep = DrawUntilConclusive(
                indices =>
                {
                    var problems = indices.Select(i => space.Draw(runSeed, Stream(family, leak), i)).ToArray();
                    return TrialRunner.RunAll(problems, p => new CaseVerdict(p, JudgeDeepCase(p, family, settings)), workers, progress.Add(problems.Length));
                },
                list => list.Count(c => c.Outcome.Verdict != Verdict.Inconclusive) >= settings.MinConclusive,
                settings.MinConclusive, settings.DeepMaxCases);
            Add(claim, deep, Universal);
        }

        var finishes = settings.Families.ToDictionary(f => f.Name,
            f => (IReadOnlyList<FinishRecord>)Leaks.SelectMany(leak => judged[(f.Name, leak)]).Select(j => j.Finish).OfType<FinishRecord>().ToArray());
        return new TheoremCheckResult(runSeed, outcomes, cases) { Finishes = finishes };
    }

    static double LeakOf(ClaimInfo claim) => claim.Id.Contains(".relu.", StringComparison.Ordinal) ? 0 : 0.1;

    /// <summary>The stream a family's cases at one activation are drawn from (the base family keeps the names its pinned cases were found with).</summary>
    static string Stream(CaseFamily family, double leak) => family == CaseFamily.Base ? ActivationName(leak) : $"{family.Name}.{ActivationName(leak)}";

    /// <summary>The claims a two-layer case of leak <paramref name="leak"/> must bring to the conclusive count (a reading shares its precondition with the other; independence is conclusive on every case).</summary>
    internal static ClaimInfo[] RequiredClaims(double leak, CaseFamily family) =>
        ReadClaims.Where(c => c.Leaks.Contains(leak)).Select(c => ClaimOf(c.Claim, leak, family, Reading.Hyperplane)).ToArray();

    /// <summary>The stopping rule: every claim required at <paramref name="leak"/> has at least <paramref name="minConclusive"/> conclusive cases among <paramref name="judged"/>.</summary>
    internal static bool Enough(IReadOnlyList<IReadOnlyDictionary<string, ClaimOutcome>> judged, double leak, CaseFamily family, int minConclusive) =>
        RequiredClaims(leak, family).All(c => judged.Count(j => j[c.Id].Verdict != Verdict.Inconclusive) >= minConclusive);

    sealed record Judged(SmallProblem Problem, IReadOnlyDictionary<string, ClaimOutcome> Verdicts, FinishRecord? Finish)
    {
        public ClaimOutcome this[string id] => Verdicts[id];
    }

    /// <summary>
    /// Draws cases 0, 1, 2, ... and judges them, in rounds (each round one call of <paramref name="judgeRound"/> with
    /// the case indices to draw, run on all cores), until <paramref name="enough"/> or <paramref name="maxCases"/> cases.
    /// The first round draws the minimum plus a quarter; later rounds a quarter of the minimum, at least two.
    /// </summary>
    internal static List<T> DrawUntilConclusive<T>(Func<IReadOnlyList<int>, IReadOnlyList<T>> judgeRound, Func<IReadOnlyList<T>, bool> enough,
        int minConclusive, int maxCases)
    {
        var judged = new List<T>();
        var round = minConclusive + (minConclusive + 3) / 4;
        while (judged.Count < maxCases && !enough(judged))
        {
            var count = Math.Min(round, maxCases - judged.Count);
            judged.AddRange(judgeRound(Enumerable.Range(judged.Count, count).ToArray()));
            round = Math.Max(2, (minConclusive + 3) / 4);
        }
        return judged;
    }

    /// <summary>Trains a two-layer case once and judges every claim that reads it.</summary>
    static Judged JudgeTwoLayer(SmallProblem p, CaseFamily family, TheoremCheckSettings settings)
    {
        var (outcomes, finish) = JudgeTwoLayerCaseAndFinish(p, family, settings);
        return new(p, outcomes.ToDictionary(o => o.Claim.Id), finish);
    }

    /// <summary>
    /// Every verdict of one two-layer case of <paramref name="family"/>: claims 1 and 2 under both readings, for leaky cases claim 4
    /// under both readings, for ReLU cases claim 8; each labelled with its claim of <see cref="TwoLayerClaims"/> (what a failing case shrinks on).
    /// </summary>
    public static ClaimOutcome[] JudgeTwoLayerCase(SmallProblem p, CaseFamily family, TheoremCheckSettings? settings = null) =>
        JudgeTwoLayerCaseAndFinish(p, family, settings).Outcomes;

    /// <summary><see cref="JudgeTwoLayerCase"/>, with how the case was finished.</summary>
    public static (ClaimOutcome[] Outcomes, FinishRecord? Finish) JudgeTwoLayerCaseAndFinish(SmallProblem p, CaseFamily family, TheoremCheckSettings? settings = null)
    {
        settings ??= new TheoremCheckSettings();
        using var scope = NewDisposeScope();
        using var trained = p.Train(settings.TwoLayerBudget, finish: settings.TwoLayerFinish);
        var evidence = trained.Evidence();
        var list = new List<ClaimOutcome>();
        foreach (var reading in new[] { Reading.Hyperplane, Reading.Paper })
        {
            list.Add(LowestLayerSpecializationClaim.Judge(evidence, LowestLayerSpecializationClaim.Criteria(reading)) with { Claim = ClaimOf(LowestLayerSpecializationClaim.Info, p.Leak, family, reading) });
            list.Add(CoreArgumentClaim.Judge(evidence, CoreArgumentCriteria.For(reading)) with { Claim = ClaimOf(CoreArgumentClaim.Info, p.Leak, family, reading) });
            if (p.Leak != 0)
                list.Add(VanishingClaim.Judge(evidence, settings.Vanishing(reading)) with { Claim = ClaimOf(VanishingClaim.Info, p.Leak, family, reading) });
        }
        if (p.Leak == 0)
        {
            using var aware = TeacherAware.Inputs(trained.Teacher, 30 * p.Widths[0], p.StreamSeed("teacher-aware-inputs"));
            list.Add(IndependenceClaim.Judge(IndependenceEvidence.Measure(trained.Teacher, aware.Inputs, p.ToString()), settings.IndependenceRelativeRank));
        }
        return (list.ToArray(), trained.Finish);
    }

    /// <summary>
    /// Claim 1 on a deep case of <paramref name="family"/>: gradient descent (<see cref="TheoremCheckSettings.DeepBudget"/>) hands over to the
    /// finisher (<see cref="TheoremCheckSettings.DeepFinish"/>), and the pair is judged on its lowest layer under the paper's reading at
    /// <see cref="Rules.DeepGradient"/>, labelled with its claim of <see cref="DeepClaims"/> (what a failing case shrinks on).
    /// </summary>
    public static ClaimOutcome<DeepSpecializationNumbers> JudgeDeepCase(SmallProblem p, CaseFamily family, TheoremCheckSettings? settings = null)
    {
        settings ??= new TheoremCheckSettings();
        using var scope = NewDisposeScope();
        using var trained = p.Train(settings.DeepBudget, finish: settings.DeepFinish);
        return LowestLayerSpecializationClaim.Judge(trained.DeepEvidence(), SpecializationCriteria.Paper) with { Claim = ClaimOf(LowestLayerSpecializationClaim.Info, p.Leak, family, Reading.Paper) };
    }

    /// <summary>Progress over all rounds: the total grows as rounds are added.</summary>
    sealed class ProgressCounter(Action<int, int>? report)
    {
        int done, total;

        public Action<int, int>? Add(int count)
        {
            Interlocked.Add(ref total, count);
            return report is null ? null : (_, _) => report(Interlocked.Increment(ref done), Volatile.Read(ref total));
        }
    }
}
