using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Protocols;
using Verify.Model.Runtime;
using static Verify.Cli.Report.OutputJson;

namespace Verify.Cli.Report;

/// <summary>
/// claims.json: the provenance block, the reproduction's run id, and one object per claim of
/// <see cref="ClaimCatalog"/>: id, statement, paper_ref, reading (claims 1, 2 and 4: paper or
/// hyperplane) and family (the drawn cases' family), outcome, the case counts (cases_drawn,
/// conclusive, holds, fails, inconclusive), the Clopper-Pearson 95% upper bound on the failure rate
/// where the claim is universal over drawn cases, the run seed, the rules' version and hash
/// (<see cref="Rules"/>), the reason of an inconclusive verdict, and the claim's typed numbers.
/// Non-finite numbers are null, flagged (<c>failure_rate_upper_95_nonfinite</c>; the paths of
/// non-finite numbers in <c>numbers_nonfinite</c>). No timings: two runs with one seed write the
/// same claims.
/// </summary>
public static class ClaimsJson
{
    /// <summary>The typed numbers as written before their non-finite values are replaced: doubles may be NaN here.</summary>
    static readonly JsonSerializerOptions NumbersOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    static readonly HashSet<string> NamedLiterals = ["NaN", "Infinity", "-Infinity"];

    /// <summary>One record per catalog claim; a claim with no outcome (its experiment was not run) is inconclusive, "not run".</summary>
    public static IReadOnlyList<ClaimRecord> Build(IReadOnlyList<ClaimOutcome> outcomes, long runSeed, string runId)
    {
        var records = new List<ClaimRecord>();
        var known = ClaimCatalog.All.Select(c => c.Id).ToHashSet();
        foreach (var claim in ClaimCatalog.All.Concat(outcomes.Select(o => o.Claim).Where(c => !known.Contains(c.Id))))
        {
            var o = outcomes.FirstOrDefault(x => x.Claim.Id == claim.Id) ?? Outcome.NotJudged(claim, "not run in this reproduction (--only)");
            var cases = o.Cases;
            var bound = o.NumbersObject is TallyNumbers t ? t.FailureRateUpper95 : null;
            var numbers = JsonSerializer.SerializeToNode(o.NumbersObject, o.NumbersObject.GetType(), NumbersOptions) as JsonObject;
            var nonFinite = new List<string>();
            if (numbers is not null) ReplaceNonFinite(numbers, "", nonFinite);
            records.Add(new ClaimRecord(
                runId, claim.Id, claim.Statement, claim.PaperRef, claim.Reading?.ToString().ToLowerInvariant(), claim.Family,
                o.Verdict.ToString().ToLowerInvariant(), o.Reason,
                cases?.Drawn, cases?.Conclusive, cases?.Holds, cases?.Fails, cases?.Inconclusive,
                Finite(bound), NonFinite(bound),
                o.RunSeed, Rules.Version, Rules.Hash, o.Evidence,
                numbers, nonFinite));
        }
        return records;
    }

    /// <summary>Replaces every non-finite number (written as a named literal) with null and records its JSON pointer.</summary>
    static void ReplaceNonFinite(JsonNode node, string path, List<string> found)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToArray())
                    if (IsNamedLiteral(child)) { o[key] = null; found.Add($"{path}/{key}"); }
                    else if (child is not null) ReplaceNonFinite(child, $"{path}/{key}", found);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (IsNamedLiteral(a[i])) { a[i] = null; found.Add($"{path}/{i}"); }
                    else if (a[i] is { } child) ReplaceNonFinite(child, $"{path}/{i}", found);
                break;
        }
    }

    static bool IsNamedLiteral(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && NamedLiterals.Contains(s);

    /// <summary>Writes claims.json and claims.parquet into <paramref name="dir"/>; returns their paths.</summary>
    public static string[] Write(string dir, IReadOnlyList<ClaimOutcome> outcomes, long runSeed, string runId, Provenance provenance)
    {
        var records = Build(outcomes, runSeed, runId);
        var json = Path.Combine(dir, "claims.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new ClaimsDocument(provenance, runId, records), Indented) + Environment.NewLine);
        var parquet = Path.Combine(dir, ClaimRecord.Table + ".parquet");
        ParquetTable.Write(parquet, records, ClaimRecord.Table, provenance);
        return [json, parquet];
    }
}
