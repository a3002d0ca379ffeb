using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// Claim 2 (the two-layer core argument): at zero per-sample gradient, a teacher node j whose
/// boundary is observed by a student node k (obs[j, k] &gt; 0: data on both sides of dE*_j inside E_k)
/// with alpha_kj = v_k^T v*_j != 0 has an aligned student: some k' with cos(w*_j, w_k') &gt; tau.
/// Teachers that do not meet the hypothesis are left out of the verdict (and counted); with
/// <c>enforceHypothesis: false</c> every teacher is judged, which is how the negative control shows
/// that the conclusion needs the hypothesis.
/// </summary>
public static class CoreArgumentClaim
{
    public const string Name = "two-layer core argument";

    /// <param name="teacher">A two-layer teacher.</param>
    /// <param name="student">The trained two-layer student.</param>
    /// <param name="inputs">The training inputs (N, d): the data the zero-gradient condition refers to.</param>
    /// <param name="training">The run; its outcome is the precondition.</param>
    /// <param name="alignedCosine">cos(w*_j, w_k) above this counts as aligned.</param>
    /// <param name="minObservations">obs[j, k] must reach this count (1: at least one point on each side).</param>
    /// <param name="minAlpha">|alpha_kj| must exceed this to count as non-zero (absolute; fan-outs are O(1)).</param>
    /// <param name="enforceHypothesis">False judges every teacher, hypothesis or not (the negative control).</param>
    public static ClaimOutcome Judge(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult training,
        double alignedCosine = 0.95, int minObservations = 1, double minAlpha = 1e-6, bool enforceHypothesis = true)
    {
        if (teacher.HiddenLayers != 1 || student.HiddenLayers != 1)
            throw new ArgumentException($"The core argument is a two-layer statement; got teacher {teacher} and student {student}.");
        if (minObservations < 1) throw new ArgumentOutOfRangeException(nameof(minObservations), minObservations, "Observations must be >= 1.");
        var report = Specialization.Analyze(teacher, student, inputs);
        var alpha = Alpha(teacher, student);
        var hypothesis = new bool[report.Teachers];
        for (var j = 0; j < report.Teachers; j++)
            for (var k = 0; k < report.Students; k++)
                if (report.Observation[j, k] >= minObservations && Math.Abs(alpha[k, j]) > minAlpha) hypothesis[j] = true;
        var bestCos = report.BestCosinePerTeacher;
        var judged = Enumerable.Range(0, report.Teachers).Where(j => !enforceHypothesis || hypothesis[j]).ToArray();
        var aligned = judged.Count(j => bestCos[j] > alignedCosine);
        var conclusion = judged.Length > 0 && aligned == judged.Length;
        var reached = training.Outcome == TrainingOutcome.ReachedGradientTarget;
        var verdict = !reached || judged.Length == 0 ? Verdict.Inconclusive : conclusion ? Verdict.Holds : Verdict.Fails;
        var maxAlpha = Enumerable.Range(0, report.Teachers).Select(j => Enumerable.Range(0, report.Students).Max(k => Math.Abs(alpha[k, j]))).ToArray();
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"teacher {teacher}, student {student}: {hypothesis.Count(h => h)}/{report.Teachers} teachers meet the hypothesis (observed with |alpha| > {minAlpha}); " +
            $"{aligned}/{judged.Length} judged teachers have an aligned student (cos > {alignedCosine}); best cos [{LowestLayerSpecializationClaim.Join(bestCos)}], " +
            $"max |alpha_kj| per teacher [{LowestLayerSpecializationClaim.Join(maxAlpha)}]; training {training}");
        return new ClaimOutcome(Name, verdict, evidence, new Dictionary<string, double>
        {
            ["teachers"] = report.Teachers,
            ["teachers meeting hypothesis"] = hypothesis.Count(h => h),
            ["judged"] = judged.Length,
            ["aligned"] = aligned,
            ["max sample gradient"] = training.MaxSampleGradient,
        })
        { ConclusionObserved = conclusion };
    }

    /// <summary>alpha_kj = v_k^T v*_j: [n, m], from the fan-out rows (bias rows left out).</summary>
    public static double[,] Alpha(RectifiedNetwork teacher, RectifiedNetwork student)
    {
        using var scope = NewDisposeScope();
        var v = LowestLayerSignal.FanOut(student.Weights[1]).to(TorchSharp.torch.ScalarType.Float64);
        var vStar = LowestLayerSignal.FanOut(teacher.Weights[1]).to(TorchSharp.torch.ScalarType.Float64);
        return RectifiedNetwork.ToArray(v.mm(vStar.t()));
    }
}
