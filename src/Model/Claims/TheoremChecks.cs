using System.Globalization;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Theory;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// The settings of <see cref="TheoremChecks"/>: small two-layer problems trained by full-batch
/// gradient descent to a per-sample gradient target, then judged. The values are the calibrated
/// ones of the property tests (tests/Support/Tolerances.cs says where each comes from).
/// </summary>
/// <param name="Cases">Seeded cases per claim (seeds 1..Cases).</param>
/// <param name="GradientTarget">max_x ||g_1(x)|| to reach: 3e-3, below which every calibration run had cosine and correlation above 0.999.</param>
/// <param name="MaxInconclusiveFraction">Above this share of inconclusive cases a claim is inconclusive as a whole (one third).</param>
/// <param name="VanishedFanOut">||v_k|| at or below this counts as vanished (5% of the weakest teacher fan-out).</param>
/// <param name="Zero">Float64 round-off level for "zero loss and gradient".</param>
/// <param name="IndependenceRelativeRank">Smallest over largest singular value above which the teacher features are independent.</param>
public sealed record TheoremCheckSettings(
    int Cases = 6,
    double GradientTarget = TheoremCheckSettings.SmallProblemGradientTarget,
    double MaxInconclusiveFraction = TheoremCheckSettings.DefaultMaxInconclusiveFraction,
    double VanishedFanOut = TheoremCheckSettings.DefaultVanishedFanOut,
    double Zero = TheoremCheckSettings.Float64Zero,
    double IndependenceRelativeRank = TheoremCheckSettings.DefaultIndependenceRelativeRank)
{
    // The calibrated values, named once: tests/Support/Tolerances.cs refers to these and explains each.
    public const double SmallProblemGradientTarget = 3e-3;
    public const double DefaultMaxInconclusiveFraction = 1.0 / 3;
    public const double DefaultVanishedFanOut = 0.05;
    public const double Float64Zero = 1e-9;
    public const double DefaultIndependenceRelativeRank = 1e-8;

    /// <summary>Student init std of the small problems (the paper's 0.005 only spends steps escaping the origin).</summary>
    public const double InitStd = 0.3;

    /// <summary>Full-batch GD, lr 0.1, up to 100 epochs of 250 steps.</summary>
    public SgdOptions Budget => new() { LearningRate = 0.1, BatchSize = null, Epochs = Epochs, ItersPerEpoch = 250, GradientTarget = GradientTarget };

    /// <summary>Epochs of 250 steps at most.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>The small problems in one sentence (the report's description; <see cref="TheoremChecks.CaseSpec"/> and the case training say the same in code).</summary>
    public string Description => FormattableString.Invariant(
        $"{Cases} seeded two-layer cases per activation (ReLU and leaky ReLU 0.1): d 3-6, m 2-3, multi 2, 5 outputs, N 200 Gaussian points, full-batch gradient descent (lr {Budget.LearningRate}, at most {Budget.Epochs * Budget.ItersPerEpoch} steps) until max_x ||g_1(x)|| <= {GradientTarget}; a case that does not get there is inconclusive.");
}

/// <summary>
/// The paper's theorems checked on small problems, the way the report shows them: lowest-layer
/// specialization (claim 1, up to mirrored nodes), un-specialized students vanish (claim 4, leaky),
/// every boundary observed by leaky students, exact fit (claim 7) and independence of distinct ReLUs
/// (claim 8). Each claim is judged on seeded cases and summarized by <see cref="CaseTally"/>. The
/// property tests in tests/Properties check the same claims on generated cases, with negative controls.
/// </summary>
public static class TheoremChecks
{
    /// <summary>Case i: d = 3 + i mod 4, m = 2 + i mod 2, multi 2, 5 outputs, N = 200 Gaussian points, seed i.</summary>
    public static TeacherSpec CaseSpec(int i, Activation activation) => new(3 + i % 4, [2 + i % 2], 5, activation, i % 2 == 0 ? 0 : 0.5);

    /// <summary>Runs every check on up to <paramref name="workers"/> cores; one outcome per claim, in a fixed order.</summary>
    public static ClaimOutcome[] Run(TheoremCheckSettings? settings = null, int? workers = null, Action<int, int>? onProgress = null)
    {
        settings ??= new TheoremCheckSettings();
        if (settings.Cases < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Cases, "Theorem checks need at least one case.");
        var seeds = Enumerable.Range(1, settings.Cases).ToArray();
        var jobs = seeds.Select(s => (Seed: s, Leaky: false)).Concat(seeds.Select(s => (Seed: s, Leaky: true))).ToArray();
        var trained = TrialRunner.RunAll(jobs, j => TrainAndJudge(j.Seed, j.Leaky, settings), workers, onProgress);
        var relu = trained.Where((_, i) => !jobs[i].Leaky).ToArray();
        var leaky = trained.Where((_, i) => jobs[i].Leaky).ToArray();
        return
        [
            CaseTally.Summarize(LowestLayerSpecializationClaim.Name + " (two layers, up to mirrored nodes)", [.. relu.Select(t => t.Specialization), .. leaky.Select(t => t.Specialization)], settings.MaxInconclusiveFraction),
            CaseTally.Summarize(VanishingClaim.Name + " (leaky ReLU, mirrors of a teacher count as specialized)", leaky.Select(t => t.Vanishing).ToArray(), settings.MaxInconclusiveFraction),
            CaseTally.Summarize(LeakyObservationClaim.Name, leaky.Select(t => t.Observation).ToArray(), settings.MaxInconclusiveFraction),
            CaseTally.Summarize(ExactFitClaim.Name, relu.Concat(leaky).Select(t => t.ExactFit).ToArray(), 0),
            CaseTally.Summarize(IndependenceClaim.Name, relu.Select(t => t.Independence).ToArray(), 0),
        ];
    }

    sealed record CaseOutcomes(ClaimOutcome Specialization, ClaimOutcome Vanishing, ClaimOutcome Observation, ClaimOutcome ExactFit, ClaimOutcome Independence);

    static CaseOutcomes TrainAndJudge(int seed, bool leaky, TheoremCheckSettings settings)
    {
        using var scope = NewDisposeScope();
        var activation = leaky ? Activation.LeakyRelu(0.1) : Activation.Relu;
        var spec = CaseSpec(seed, activation);
        var label = string.Create(CultureInfo.InvariantCulture, $"[seed {seed}, d {spec.InputDim}, m {spec.HiddenWidths[0]}, multi 2, {activation}]");
        using var teacher = Teacher.Build(spec, seed);
        using var data = Dataset.Gaussian(teacher, 200, seed + 1);
        using var student = Student.OverRealized(teacher, 2, seed + 2, TheoremCheckSettings.InitStd);
        var training = SgdTrainer.Train(student, data, settings.Budget, seed + 3);
        var criteria = SpecializationCriteria.Paper with { AllowMirror = true };

        using var exact = ExactFit.Build(teacher, copies: 2, extraNodes: 1, seed: seed + 4);
        using var aware = TeacherAware.Inputs(teacher, 30 * spec.HiddenWidths[0], seed + 5);
        using var fresh = Student.OverRealized(teacher, 2, seed + 6, initStd: 1.0);
        ClaimOutcome Tag(ClaimOutcome o) => o with { Evidence = $"{label} {o.Evidence}" };
        return new CaseOutcomes(
            Tag(LowestLayerSpecializationClaim.Judge(teacher, student, data.Inputs, training, criteria)),
            Tag(VanishingClaim.Judge(teacher, student, data.Inputs, training, criteria.Correlation, settings.VanishedFanOut, allowMirror: true)),
            Tag(LeakyObservationClaim.Judge(teacher, fresh, data.Inputs)),
            Tag(ExactFitClaim.Judge(exact, data, settings.Zero)),
            Tag(IndependenceClaim.Judge(teacher, aware.Inputs, settings.IndependenceRelativeRank)));
    }
}
