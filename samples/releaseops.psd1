@{
    Slug                = 'cortico'
    Name                = 'Cortico'
    DevelopBranch       = 'develop'
    ReleaseBranch       = 'master'
    StagingNodes        = 'staging.cortico.ca'
    ProductionNodes     = @('cortico.ca')
    Provider            = 'DigitalOcean'
    Region              = 'tor1'
    DnsZone             = 'cortico.ca'
    EndToEndTestCommand = 'npm run test:e2e'
    JenkinsJob          = 'cortico/e2e'
}
