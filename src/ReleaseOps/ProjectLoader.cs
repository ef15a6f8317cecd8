using System.IO;
using System.Linq;
using ReleaseOps.Commands;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>The project of a repository: its releaseops.psd1, or the defaults (develop, master, origin) when it has none.</summary>
    internal static class ProjectLoader
    {
        public static (ReleaseOpsProject Project, bool HasSettings) Load(string path)
        {
            string file;
            try
            {
                file = GetReleaseOpsProjectCommand.FindSettings(path);
            }
            catch (ReleaseOpsException ex) when (ex.ErrorId == ErrorIds.ProjectSettingsNotFound)
            {
                var name = new DirectoryInfo(path).Name.ToLowerInvariant();
                var slug = new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
                return (new ReleaseOpsProject { Slug = slug.Length == 0 ? "project" : slug, Name = name, RepositoryPath = path }, false);
            }

            return (GetReleaseOpsProjectCommand.Read(file), true);
        }
    }
}
