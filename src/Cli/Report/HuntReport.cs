using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScottPlot;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Hunt;
using Verify.Model.Sweeps;

namespace Verify.Cli.Report;

/// <summary>
/// The report of a hunt, rewritten from its database after every run: DIR/report.md (the counts,
/// the failure-rate bound, the mix of families, every failure with its shrink and replay command),
/// DIR/hunt.json (the same numbers) and DIR/margins.png (the margin of every conclusive case
/// against its number in the search, failures marked).
/// </summary>
static class HuntReport
{
    public const string MarkdownFile = "report.md";
    public const string JsonFile = "hunt.json";
    public const string FigureFile = "margins.png";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string dir, HuntSummary s, IReadOnlyList<HuntRecord> records, HuntSettings settings)
    {
        Figure(dir, s, records);
        SweepFiles.WriteAtomically(Path.Combine(dir, JsonFile), Build(s, settings).ToJsonString(Json) + "\n", overwrite: true);
        SweepFiles.WriteAtomically(Path.Combine(dir, MarkdownFile), Markdown(s, settings), overwrite: true);
    }

    static string F(double? v, string format = "0.####") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    static string Markdown(HuntSummary s, HuntSettings settings)
    {
        var h = s.Hunt;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Hunt: {h.Claim}, {h.Reading.ToString().ToLowerInvariant()} reading");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Hunt seed {h.Seed}; rules {Rules.Version} (hash {Rules.Hash}); strategy: rounds of {settings.RoundSize}, {settings.RandomShare:P0} random draws, parents from the {settings.EliteSize} smallest margins, guided after {settings.Warmup} conclusive cases (docs/theorems/hunt.md). {s.Seconds:0} s of judging in all."));
        md.AppendLine();
        md.AppendLine("| cases tried | conclusive | hold | fail | inconclusive | failure rate, 95% upper bound (Clopper-Pearson) | smallest margin | shrink candidates judged |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Tried} | {s.Conclusive} | {s.Holds} | {s.Fails} | {s.Inconclusive} | {F(s.FailureRateUpper95)} | {F(s.MinMargin)} | {s.ShrinkCandidates} |");
        md.AppendLine();
        var (rc, rf, ru) = s.RandomDraws;
        md.AppendLine(CultureInfo.InvariantCulture, $"The bound above is over every conclusive case, most of them steered toward where the claim came closest to failing. The random draws alone (the families' own distribution, as the theorem checks draw): {rc} conclusive, {rf} fail, failure rate at most {F(ru)} (Clopper-Pearson 95%).");
        md.AppendLine();
        md.AppendLine($"Margin: {ClaimMargin.Description}. Smaller is closer to failing; at most 0 on a failure.");
        md.AppendLine();
        if (s.InconclusiveReasons.Count > 0) md.AppendLine(CultureInfo.InvariantCulture, $"Inconclusive: {string.Join("; ", s.InconclusiveReasons)}.").AppendLine();
        md.AppendLine($"![margin per case]({FigureFile})");
        md.AppendLine();
        md.AppendLine("## Failures");
        md.AppendLine();
        if (s.Failures.Count == 0) md.AppendLine(CultureInfo.InvariantCulture, $"None in {s.Conclusive} conclusive cases.");
        foreach (var f in s.Failures)
        {
            var r = f.Record;
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- **{r.Stream}#{r.Index}** ({r.Origin}), {r.Family}, margin {F(r.Margin)}: `{r.Case}`"));
            md.AppendLine(CultureInfo.InvariantCulture, $"  - replay: `{f.Replay}`");
            md.AppendLine(f.Shrink.Steps == 0
                ? $"  - shrink: {(f.Shrink.Complete ? "already smallest (no smaller candidate fails)" : "not yet shrunk")}; {f.Shrink.Judged} candidates judged"
                : string.Create(CultureInfo.InvariantCulture, $"  - shrunk in {f.Shrink.Steps} steps{(f.Shrink.Complete ? "" : " so far (not complete)")} to `{f.Shrink.Smallest}` (margin {F(f.Shrink.SmallestRecord.Margin)}); replay: `{f.ReplaySmallest}`"));
            md.AppendLine(CultureInfo.InvariantCulture, $"  - evidence: {f.Shrink.SmallestRecord.Evidence}");
        }
        md.AppendLine();
        md.AppendLine("## Families and activations");
        md.AppendLine();
        md.AppendLine("| family | activation | tried | conclusive | fail | smallest margin |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in s.Families) md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Family} | {f.Activation} | {f.Tried} | {f.Conclusive} | {f.Fails} | {F(f.MinMargin)} |");
        md.AppendLine();
        md.AppendLine("## Streams");
        md.AppendLine();
        md.AppendLine("| stream | tried | guided | fail | cases to the first failure |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var st in s.Streams) md.AppendLine(CultureInfo.InvariantCulture, $"| {st.Stream} | {st.Tried} | {st.Guided} | {st.Fails} | {(st.CasesToFirstFailure is { } c ? c.ToString(CultureInfo.InvariantCulture) : "-")} |");
        return md.ToString();
    }

    static JsonObject Build(HuntSummary s, HuntSettings settings)
    {
        static JsonNode? N(double? v) => v is { } x && double.IsFinite(x) ? JsonValue.Create(x) : null;
        return new JsonObject
        {
            ["claim"] = s.Hunt.Claim,
            ["reading"] = s.Hunt.Reading.ToString().ToLowerInvariant(),
            ["seed"] = s.Hunt.Seed,
            ["rules_version"] = Rules.Version,
            ["rules_hash"] = Rules.Hash,
            ["strategy"] = new JsonObject
            {
                ["round_size"] = settings.RoundSize, ["random_share"] = settings.RandomShare, ["elite_size"] = settings.EliteSize,
                ["warmup"] = settings.Warmup, ["mirror_candidates"] = settings.MirrorCandidates,
            },
            ["margin"] = ClaimMargin.Description,
            ["cases_tried"] = s.Tried,
            ["conclusive"] = s.Conclusive,
            ["holds"] = s.Holds,
            ["fails"] = s.Fails,
            ["inconclusive"] = s.Inconclusive,
            ["failure_rate_upper_95"] = N(s.FailureRateUpper95),
            ["min_margin"] = N(s.MinMargin),
            ["random_draws"] = new JsonObject { ["conclusive"] = s.RandomDraws.Conclusive, ["fails"] = s.RandomDraws.Fails, ["failure_rate_upper_95"] = N(s.RandomDraws.Upper95) },
            ["shrink_candidates"] = s.ShrinkCandidates,
            ["seconds"] = Math.Round(s.Seconds, 1),
            ["inconclusive_reasons"] = new JsonArray(s.InconclusiveReasons.Select(r => (JsonNode?)r).ToArray()),
            ["families"] = new JsonArray(s.Families.Select(f => (JsonNode?)new JsonObject
            {
                ["family"] = f.Family, ["activation"] = f.Activation, ["tried"] = f.Tried, ["conclusive"] = f.Conclusive, ["fails"] = f.Fails, ["min_margin"] = N(f.MinMargin),
            }).ToArray()),
            ["streams"] = new JsonArray(s.Streams.Select(st => (JsonNode?)new JsonObject
            {
                ["stream"] = st.Stream, ["tried"] = st.Tried, ["guided"] = st.Guided, ["fails"] = st.Fails, ["cases_to_first_failure"] = st.CasesToFirstFailure,
            }).ToArray()),
            ["failures"] = new JsonArray(s.Failures.Select(f => (JsonNode?)new JsonObject
            {
                ["stream"] = f.Record.Stream, ["index"] = f.Record.Index, ["origin"] = f.Record.Origin, ["family"] = f.Record.Family,
                ["case"] = f.Record.Case.ToString(), ["margin"] = N(f.Record.Margin), ["evidence"] = f.Record.Evidence, ["replay"] = f.Replay,
                ["shrunk"] = new JsonObject
                {
                    ["case"] = f.Shrink.Smallest.ToString(), ["margin"] = N(f.Shrink.SmallestRecord.Margin), ["steps"] = f.Shrink.Steps,
                    ["candidates_judged"] = f.Shrink.Judged, ["complete"] = f.Shrink.Complete, ["evidence"] = f.Shrink.SmallestRecord.Evidence, ["replay"] = f.ReplaySmallest,
                },
            }).ToArray()),
        };
    }

    /// <summary>The margin of every conclusive search case against its number in its stream: random draws grey, guided cases blue, failures red.</summary>
    static void Figure(string dir, HuntSummary s, IReadOnlyList<HuntRecord> records)
    {
        var plot = new Plot();
        var search = records.Where(r => r.IsSearch && r.Margin is not null).ToArray();
        void Points(IEnumerable<HuntRecord> group, Color color, MarkerShape shape, float size, string label)
        {
            var list = group.ToArray();
            if (list.Length == 0) return;
            var points = plot.Add.ScatterPoints(list.Select(r => (double)r.Index).ToArray(), list.Select(r => r.Margin!.Value).ToArray(), color);
            points.MarkerShape = shape;
            points.MarkerSize = size;
            points.LegendText = $"{label} ({list.Length})";
        }
        Points(search.Where(r => r.Verdict == Verdict.Holds && r.Origin != HuntSearch.Guided), Colors.Gray, MarkerShape.FilledCircle, 5, "holds, random draw");
        Points(search.Where(r => r.Verdict == Verdict.Holds && r.Origin == HuntSearch.Guided), Colors.SteelBlue, MarkerShape.FilledCircle, 5, "holds, guided");
        Points(search.Where(r => r.Verdict == Verdict.Fails), Colors.Red, MarkerShape.Eks, 10, "fails");
        plot.Add.HorizontalLine(0, 1, Colors.Black, LinePattern.Dashed);
        var streams = search.Select(r => r.Stream).Distinct().Count();
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"{s.Hunt.Claim} ({s.Hunt.Reading.ToString().ToLowerInvariant()}): {s.Tried} cases, {s.Conclusive} conclusive, {s.Fails} fail{(streams > 1 ? $", {streams} streams overlaid" : "")}"), 12);
        plot.XLabel("case number in its stream (search order)", 11);
        plot.YLabel("margin (smaller: closer to failing; <= 0 fails)", 11);
        if (search.Length > 0) plot.ShowLegend(Edge.Bottom);
        Figures.SaveBoth(plot, dir, FigureFile, 760, 500);
    }
}
