using System.Diagnostics;
using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Protocols;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

public static class SampleScaling
{
    /// <summary>Distance (input units; inputs have std 1.5) that one-sided control data keeps from teacher node 1's boundary, on its inactive side.</summary>
    public const double OneSidedMargin = 1.0;

    /// <summary>The case seed of (K, d, seed index), drawn from <paramref name="runSeed"/>.</summary>
    public static long CaseSeed(long runSeed, int k, int d, int seedIndex) =>
        Seeds.Of(runSeed, string.Create(CultureInfo.InvariantCulture, $"sample-complexity K{k} d{d}"), seedIndex);

    /// <summary>
    /// The ladders of the grid of <paramref name="settings"/>, one per (m, d, seed). The seeds of one
    /// (m, d) climb together, trained side by side in one batched program per rung; the (m, d) run on all cores.
    /// </summary>
    public static ScalingPoint[] Grid(SampleScalingSettings settings, long runSeed, ScalingData data = ScalingData.TeacherAware, int? workers = null,
        Action<int, int>? onProgress = null)
    {
        // Largest problems first so the slowest ladders do not start last.
        var cells = (from m in settings.TeacherWidths from d in settings.Dims select (m, d)).OrderByDescending(c => c.m * c.d).ToArray();
        var points = TrialRunner.RunAll(cells, c => Ladders(settings, c.m, c.d, runSeed, data), workers, onProgress);
        return points.SelectMany(p => p).OrderBy(p => p.K).ThenBy(p => p.D).ThenBy(p => p.SeedIndex).ToArray();
    }

    /// <summary>Climbs the ladder of (m, d) for every seed until each seed's run specializes every teacher node.</summary>
    public static ScalingPoint[] Ladders(SampleScalingSettings settings, int m, int d, long runSeed, ScalingData data = ScalingData.TeacherAware)
    {
        var k = (1 + settings.Multi) * m;
        var ladder = settings.Ladder(k, d);
        var seeds = Enumerable.Range(0, settings.Seeds).Select(s => CaseSeed(runSeed, k, d, s)).ToArray();
        var runs = seeds.Select(_ => new List<ScalingRun>()).ToArray();
        var open = Enumerable.Range(0, seeds.Length).ToList();
        foreach (var n in ladder)
        {
            if (open.Count == 0) break;
            var results = Runs(settings, m, d, open.Select(s => (s, seeds[s])).ToArray(), data, n);
            for (var i = 0; i < open.Count; i++) runs[open[i]].Add(results[i]);
            open = open.Where(s => !(runs[s][^1].ReachedLevel && runs[s][^1].Specialized(SampleScalingSettings.CosineThreshold))).ToList();
        }
        var bound = SampleScalingSettings.BoundSamples(k, d);
        return Enumerable.Range(0, seeds.Length).Select(s => new ScalingPoint(k, d, s, data, bound, ladder, runs[s])).ToArray();
    }

    /// <summary>One run per seed at the bound's own N (what the negative control uses).</summary>
    public static ScalingPoint[] AtBound(SampleScalingSettings settings, int m, int d, long runSeed, ScalingData data)
    {
        var k = (1 + settings.Multi) * m;
        var n = SampleScalingSettings.BoundSamples(k, d);
        var bound = n;
        var cases = Enumerable.Range(0, settings.Seeds).Select(s => (s, CaseSeed(runSeed, k, d, s))).ToArray();
        var runs = Runs(settings, m, d, cases, data, n);
        return runs.Select(r => new ScalingPoint(k, d, r.SeedIndex, data, bound, [n], [r])).ToArray();
    }

    /// <summary>
    /// One run per case, trained side by side: teacher (d, [m], 5 outputs, ReLU) from stream
    /// "teacher", N training points of <paramref name="data"/> from "train-inputs", a student of width
    /// multi m from "student" (init std <see cref="SmallProblem.InitStd"/>), full-batch gradient
    /// descent to the eps gradient level.
    /// </summary>
    public static ScalingRun[] Runs(SampleScalingSettings settings, int m, int d, IReadOnlyList<(int Index, long Seed)> cases, ScalingData data, int samples)
    {
        var clock = Stopwatch.StartNew();
        var k = (1 + settings.Multi) * m;
        var level = SampleScalingSettings.Bound.GradientThreshold(k, d, SampleScalingSettings.Epsilon);
        using var scope = NewDisposeScope();
        var teachers = cases.Select(c => Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: settings.Outputs), Seeds.Of(c.Seed, "teacher"))).ToArray();
        var sets = cases.Select((c, i) => BuildData(teachers[i], data, samples, Seeds.Of(c.Seed, "train-inputs"))).ToArray();
        var students = cases.Select((c, i) => Student.WithWidths(teachers[i], [settings.Multi * m], Seeds.Of(c.Seed, "student"), SmallProblem.InitStd)).ToArray();
        try
        {
            var trials = cases.Select((c, i) => new Trial(students[i], sets[i], settings.Budget(level), Seeds.Of(c.Seed, "batches"))).ToArray();
            var results = SgdTrainer.Train(trials);
            var seconds = clock.Elapsed.TotalSeconds / cases.Count;
            return cases.Select((c, i) =>
            {
                var cos = Specialization.CosineMatrix(teachers[i].Weights[0], students[i].Weights[0]);
                var best = Enumerable.Range(0, cos.GetLength(0)).Select(j => Enumerable.Range(0, cos.GetLength(1)).Max(s => cos[j, s])).ToArray();
                return new ScalingRun(k, d, c.Index, c.Seed, data, sets[i].Count, level, results[i].Outcome, results[i].MaxSampleGradient, results[i].Steps, best, seconds);
            }).ToArray();
        }
        finally
        {
            foreach (var x in students) x.Dispose();
            foreach (var x in sets) x.Dispose();
            foreach (var x in teachers) x.Dispose();
        }
    }

    /// <summary>N points of <paramref name="data"/> labelled by <paramref name="teacher"/>.</summary>
    public static Dataset BuildData(RectifiedNetwork teacher, ScalingData data, int samples, long seed)
    {
        switch (data)
        {
            case ScalingData.TeacherAware:
                return TeacherAware.Dataset(teacher, samples, seed);
            case ScalingData.Gaussian:
                return Dataset.Gaussian(teacher, samples, seed);
            case ScalingData.OneSided:
            {
                using var scope = NewDisposeScope();
                var w = teacher.Weights[0].detach().to(ScalarType.Float64, CPU);  // (d+1, m)
                var d = teacher.InputDim;
                var kept = new List<Tensor>();
                long have = 0;
                for (var round = 0; have < samples; round++)
                {
                    if (round > 100) throw new InvalidOperationException($"Teacher node 1 is inactive on too few Gaussian inputs to draw {samples} one-sided points.");
                    var x = Inputs.Gaussian(2 * samples, d, Seeds.Of(seed, "one-sided", round));
                    var normal = w.narrow(0, 0, d).narrow(1, 0, 1);
                    var distance = x.mm(normal).Plus(w[d, 0]).squeeze(1) / normal.norm();
                    var side = x.index_select(0, distance.Below(-OneSidedMargin).nonzero().squeeze(1));
                    kept.Add(side);
                    have += side.shape[0];
                }
                var all = cat(kept, 0).narrow(0, 0, samples);
                return Dataset.Label(teacher, all);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(data), data, "Unknown kind of training data.");
        }
    }
}
