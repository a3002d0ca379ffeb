using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Theory;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>What the two-layer sample-complexity bound asks for at one (K, d, eps).</summary>
/// <param name="K">m_1 + n_1.</param>
/// <param name="InputDim">d.</param>
/// <param name="Epsilon">eps.</param>
/// <param name="Samples">ceil(C_N K^{5/2} d^3 / eps): teacher-aware points (augmented points included).</param>
/// <param name="GradientLevel">C_g eps / (K^{3/2} sqrt d): the per-sample gradient training must reach.</param>
public sealed record SampleSizePlan(int K, int InputDim, double Epsilon, int Samples, double GradientLevel)
{
    /// <summary>The plan of <paramref name="bound"/> for a teacher of width m and a student of width n.</summary>
    public static SampleSizePlan For(SampleComplexity bound, int teacherWidth, int studentWidth, int d, double eps)
    {
        var k = SampleComplexity.K(teacherWidth, studentWidth);
        var samples = bound.RequiredSamples(k, d, eps);
        if (samples > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"The bound asks for {samples:G3} samples at K = {k}, d = {d}, eps = {eps}: too many to build.");
        return new SampleSizePlan(k, d, eps, (int)Math.Ceiling(samples), bound.GradientThreshold(k, d, eps));
    }
}

/// <summary>The numbers of claim 3 on one run.</summary>
public sealed record SampleSizeNumbers(int RequiredSamples, int Samples, double GradientLevel, double MaxSampleGradient, int Covered, int Teachers,
    double MinBestCorrelation) : ClaimNumbers;

/// <summary>
/// Claim 3 (polynomial sample complexity, two layers): a teacher-aware dataset of at least the
/// plan's size, trained until max_x ||g_1(x)|| &lt;= the plan's gradient level, gives a student that
/// covers every teacher node (max_k rho_jk &gt; tau) on held-out evaluation inputs. A smaller dataset
/// or an unreached gradient level leaves the claim silent: inconclusive, with the coverage still
/// reported in <see cref="ClaimOutcome.ConclusionObserved"/>.
/// </summary>
public static class SampleSizeClaim
{
    public static ClaimInfo Info { get; } = new("sample-complexity",
        "A teacher-aware dataset of N >= C K^{5/2} d^3 / eps points, trained to max_x ||g_1(x)|| <= C eps / (K^{3/2} sqrt d), yields a student covering every teacher node on held-out data (constants 1)",
        "abstract; notes section 3, claim 3");

    public static ClaimOutcome<SampleSizeNumbers> Judge(RectifiedNetwork teacher, RectifiedNetwork student, int trainingSamples, Tensor evaluationInputs,
        TrainingResult training, SampleSizePlan plan, double tau = 0.95)
    {
        if (teacher.HiddenLayers != 1) throw new ArgumentException($"The sample-complexity bound is a two-layer statement; got teacher {teacher}.", nameof(teacher));
        var report = Specialization.Analyze(teacher, student, evaluationInputs);
        var covered = report.Covered(tau);
        var conclusion = covered == report.Teachers;
        var missed = trainingSamples < plan.Samples ? $"hypothesis missed: N = {trainingSamples} is below the bound's {plan.Samples}"
            : !(training.Outcome == TrainingOutcome.ReachedGradientTarget && training.MaxSampleGradient <= plan.GradientLevel) ? $"precondition not reached: {training}"
            : null;
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"K = {plan.K}, d = {plan.InputDim}, eps = {plan.Epsilon}: bound asks N >= {plan.Samples} and gradient <= {plan.GradientLevel:G3}; " +
            $"got N = {trainingSamples}, gradient {training.MaxSampleGradient:G3} ({training.Outcome}); {covered}/{report.Teachers} teachers covered on " +
            $"{evaluationInputs.shape[0]} held-out inputs, best rho [{Outcome.Join(report.BestCorrelationPerTeacher)}]");
        return Outcome.Judged(Info, missed, conclusion, evidence,
            new SampleSizeNumbers(plan.Samples, trainingSamples, plan.GradientLevel, training.MaxSampleGradient, covered, report.Teachers, report.BestCorrelationPerTeacher.Min()));
    }
}
