module fpvm.sdk

go 1.19
