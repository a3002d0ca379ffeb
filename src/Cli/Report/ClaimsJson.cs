using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace Verify.Cli.Report;

/// <summary>
/// claims.json: an array with one object per claim of <see cref="ClaimCatalog"/>: id, statement,
/// paper_ref, reading (claims 1, 2 and 4: paper or hyperplane) and family (the drawn cases' family), outcome, the
/// case counts (cases_drawn, conclusive, holds, fails, inconclusive), the
/// Clopper-Pearson 95% upper bound on the failure rate where the claim is universal over drawn
/// cases, the run seed, the rules' version and hash (<see cref="Rules"/>), the reason of an inconclusive verdict,
/// and the claim's typed numbers. No timings: two runs with one seed write the same file.
/// </summary>
public static class ClaimsJson
{
    static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One object per catalog claim; a claim with no outcome (its experiment was not run) is inconclusive, "not run".</summary>
    public static JsonArray Build(IReadOnlyList<ClaimOutcome> outcomes, long runSeed)
    {
        var array = new JsonArray();
        var known = ClaimCatalog.All.Select(c => c.Id).ToHashSet();
        foreach (var claim in ClaimCatalog.All.Concat(outcomes.Select(o => o.Claim).Where(c => !known.Contains(c.Id))))
        {
            var o = outcomes.FirstOrDefault(x => x.Claim.Id == claim.Id) ?? Outcome.NotJudged(claim, "not run in this reproduction (--only)");
            var cases = o.Cases;
            array.Add(new JsonObject
            {
                ["id"] = claim.Id,
                ["statement"] = claim.Statement,
                ["paper_ref"] = claim.PaperRef,
                ["reading"] = claim.Reading?.ToString().ToLowerInvariant(),
                ["family"] = claim.Family,
                ["outcome"] = o.Verdict.ToString().ToLowerInvariant(),
                ["reason"] = o.Reason,
                ["cases_drawn"] = cases?.Drawn,
                ["conclusive"] = cases?.Conclusive,
                ["holds"] = cases?.Holds,
                ["fails"] = cases?.Fails,
                ["inconclusive"] = cases?.Inconclusive,
                ["failure_rate_upper_95"] = o.NumbersObject is TallyNumbers t ? Number(t.FailureRateUpper95) : null,
                ["run_seed"] = o.RunSeed,
                ["rules_version"] = Rules.Version,
                ["rules_hash"] = Rules.Hash,
                ["evidence"] = o.Evidence,
                ["numbers"] = JsonSerializer.SerializeToNode(o.NumbersObject, o.NumbersObject.GetType(), Options),
            });
        }
        return array;
    }

    public static void Write(string path, IReadOnlyList<ClaimOutcome> outcomes, long runSeed) =>
        File.WriteAllText(path, Build(outcomes, runSeed).ToJsonString(Options) + Environment.NewLine);

    static JsonValue? Number(double? v) => v is { } x && double.IsFinite(x) ? JsonValue.Create(x) : null;
}
